#!/bin/sh
# Turns `nm -n` output (stdin with "-", or a file) into assembly for the
# kernel's embedded symbol table: ksym_count, ksym_table[] = {addr, name offset},
# ksym_strings. Only text symbols: backtraces name functions.
in="$1"; [ "$in" = "-" ] && in=/dev/stdin
awk '
$2 ~ /^[tTwW]$/ && $1 ~ /^ffffffff8/ { addr[n] = $1; name[n] = $3; n++ }
END {
  print "\t.section .ksyms, \"a\""
  print "\t.balign 8"
  print "\t.globl ksym_count, ksym_table, ksym_strings"
  print "ksym_count:\t.quad " n
  print "ksym_table:"
  off = 0
  for (i = 0; i < n; i++) { print "\t.quad 0x" addr[i] "\n\t.quad " off; off += length(name[i]) + 1 }
  print "ksym_strings:"
  for (i = 0; i < n; i++) print "\t.asciz \"" name[i] "\""
}' "$in"
