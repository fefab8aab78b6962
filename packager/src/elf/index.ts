// ELF reading and shared-library resolution for the packager.
export * from './read.js';
export * from './resolve.js';
