/* Starting the app: load the ELF program (and its PT_INTERP loader, e.g.
 * glibc's ld-linux-x86-64.so.2, run unmodified), lay out the initial stack
 * exactly as Linux does (argc, argv, envp, auxv), map the vDSO, and create
 * the first user thread. One program per boot: there is no execve. */
#ifndef COMPAT_EXEC_H
#define COMPAT_EXEC_H

/* Returns 0 once the main thread is runnable, or a negative errno (the
 * caller reports it: the program could not be started). */
int exec_start(const char *path, char *const argv[], char *const envp[]);

#endif
