/* commands.h - one function per subcommand; each returns the exit status.
 * Exit statuses: 0 success, 1 failure (bad input, failed check), 2 usage error. */
#ifndef POWERSCHED_CLI_COMMANDS_H
#define POWERSCHED_CLI_COMMANDS_H

#include "powersched/error.h"
#include "powersched/options.h"

int cmd_simulate(int argc, char **argv);
int cmd_checkenv(int argc, char **argv);
int cmd_sanity(int argc, char **argv);
int cmd_workloadgen(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_evaluate(int argc, char **argv);
int cmd_train_iter(int argc, char **argv);
int cmd_analyze(int argc, char **argv);

/* A command's argument handling: parses argv against the set; with --help
 * prints `usage` and the options group by group. Returns -1 when the command
 * should go on, else its exit status (0 after help, 2 after a usage error,
 * reported on stderr as "powersched <cmd>: ..."). */
int ps_cli_parse(const char *cmd, const char *usage, ps_optset *set, int argc, char **argv);

/* Prints "powersched <cmd>: <msg>" on stderr and returns status. */
int ps_cli_fail(const char *cmd, const ps_error *err, int status);

#endif
