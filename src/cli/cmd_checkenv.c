/* stub replaced below */
#include "commands.h"
int cmd_checkenv(int argc, char **argv) { (void)argc; (void)argv; return 1; }
