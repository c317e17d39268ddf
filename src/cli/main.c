/* main.c - the subcommand table. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "powersched/powersched.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command COMMANDS[] = {
    {"train", cmd_train, "train the PPO agent; sessions, checkpoints, resume, metrics, plots"},
    {"train-iter", cmd_train_iter, "reward-weight sweeps: one training run per combination, here or on Slurm"},
    {"analyze", cmd_analyze, "analyze arrival-scale|lambda|seed: evaluate a model across a sweep, statistics and trend plots"},
    {"evaluate-savings", cmd_evaluate, "evaluate a trained model (or heuristic) against both baselines over months"},
    {"simulate", cmd_simulate, "run the cluster simulator with a fixed policy; per-episode costs, optional trace"},
    {"checkenv", cmd_checkenv, "check the environment's contract: spaces, reset/step, observation bounds, invariants"},
    {"workloadgen", cmd_workloadgen, "workloadgen inspect|calibrate: a job source's statistics and plots; generator flags fitted to Slurm logs"},
    {"sanity", cmd_sanity, "random rollout with invariants after every step; optional determinism check"},
};

int ps_cli_fail(const char *cmd, const ps_error *err, int status) {
    fprintf(stderr, "powersched %s: %s\n", cmd, err->msg);
    return status;
}

int ps_cli_parse(const char *cmd, const char *usage, ps_optset *set, int argc, char **argv) {
    int help = 0;
    ps_error err;
    if (ps_optset_parse(set, argc, argv, &help, &err) != PS_OK) {
        fprintf(stderr, "powersched %s: %s\n", cmd, err.msg);
        return 2;
    }
    if (!help) return -1;
    printf("%s\n", usage);
    ps_optset_print(stdout, set);
    return 0;
}

static void usage(FILE *fp) {
    fprintf(fp,
            "usage: powersched <command> [options]\n\n"
            "PowerSched simulates an HPC cluster of 335 nodes x 96 cores against the electricity\n"
            "price and compares a policy with an always-on baseline.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        fprintf(fp, "  %-17s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(fp, "\n'powersched <command> --help' lists every option of a command with its default;\n"
                "'powersched --version' (-V) prints the version.\n");
}

int main(int argc, char **argv) {
    /* Large buffers (queue observations, job lists) are reused; keep glibc
     * from returning and re-faulting them (design.md). */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("powersched %s\n", ps_version());
        return 0;
    }
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        if (!strcmp(argv[1], COMMANDS[i].name)) return COMMANDS[i].run(argc - 2, argv + 2);
    fprintf(stderr, "powersched: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
