/* version.c - the build's version string (ps_version in powersched.h). */
#include "powersched/powersched.h"

/* Generated at build time by cmake/version.cmake: PS_VERSION_STRING. */
#include "ps_version.h"

const char *ps_version(void) { return PS_VERSION_STRING; }
