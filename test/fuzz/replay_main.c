/* replay_main.c - runs a fuzz target without libFuzzer: LLVMFuzzerTestOneInput
 * once over every file named on the command line and every file of every
 * directory named (not recursive, in name order, dot files skipped). The
 * normal build links each target with this so ctest replays the committed
 * corpus (test/fuzz/corpus/<target>/) with gcc, and under ASan + UBSan in
 * build-asan.
 *
 * Each input runs in a child process, so one failure does not hide the
 * next: the output names every input that failed and why, and the exit
 * status is 1 if any did. As under libFuzzer an input fails when a check or
 * a sanitizer aborts, when it crashes or leaks (LeakSanitizer runs at the
 * child's exit), when it runs longer than FUZZ_REPLAY_TIMEOUT seconds (10 by
 * default) or when the child's peak RSS passes 1024 MiB. Without ASan the
 * address space is capped at 1.5 GiB, with ASan the RSS (hard_rss_limit_mb),
 * so a memory bomb cannot take the machine down. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz_common.h"

#define RSS_LIMIT_MB 1024
#define MEMORY_CAP_MB 1536

#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif

#ifdef FUZZ_ASAN
/* ASAN_OPTIONS given by the caller still win, flag by flag. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "hard_rss_limit_mb=1536"; }
#endif

static const char *current = "";

static void on_alarm(int sig) {
    (void)sig;
    static const char msg[] = "replay: TIMEOUT: the input ran too long: ";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    ignored = write(2, current, strlen(current));
    ignored = write(2, "\n", 1);
    (void)ignored;
    _exit(1);
}

static unsigned char *read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        unsigned char *b = realloc(buf, cap *= 2);
        if (!b) free(buf);
        buf = b;
    }
    int bad = !buf || ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    *size = n;
    return buf;
}

static long peak_rss_mb(void) {
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss / 1024 : 0;
}

/* The child's work: one input, then the checks libFuzzer would make. */
static int run_input(const char *path, unsigned timeout) {
    size_t size = 0;
    unsigned char *data = read_file(path, &size);
    if (!data) {
        fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(errno));
        return 1;
    }
    current = path;
    signal(SIGALRM, on_alarm);
    alarm(timeout);
    LLVMFuzzerTestOneInput(data, size);
    alarm(0);
    free(data);
    long rss = peak_rss_mb();
    if (rss > RSS_LIMIT_MB) {
        fprintf(stderr, "replay: OUT OF MEMORY: peak RSS %ld MiB (limit %d) on %s\n", rss, RSS_LIMIT_MB, path);
        return 1;
    }
    return 0;
}

/* Runs one input in a child; returns 0 when it passed. */
static int run_one(const char *path, unsigned timeout) {
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "replay: cannot fork: %s\n", strerror(errno));
        return 1;
    }
    if (pid == 0) exit(run_input(path, timeout)); /* exit, not _exit: LeakSanitizer runs at exit */
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            fprintf(stderr, "replay: waitpid: %s\n", strerror(errno));
            return 1;
        }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        printf("replay: ok     %s\n", path);
        return 0;
    }
    if (WIFSIGNALED(status))
        printf("replay: FAILED %s (killed by signal %d: %s)\n", path, WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        printf("replay: FAILED %s (exit status %d)\n", path, WEXITSTATUS(status));
    return 1;
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }
static int visible(const struct dirent *e) { return e->d_name[0] != '.'; }

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\nRuns the fuzz target once over each file (each file of each DIR).\n",
                argv[0]);
        return 2;
    }
    const char *t = getenv("FUZZ_REPLAY_TIMEOUT");
    unsigned timeout = t && atoi(t) > 0 ? (unsigned)atoi(t) : 10;
#ifndef FUZZ_ASAN
    struct rlimit as = {(rlim_t)MEMORY_CAP_MB << 20, (rlim_t)MEMORY_CAP_MB << 20};
    setrlimit(RLIMIT_AS, &as);
#endif
    int runs = 0, failed = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            failed++;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            failed += run_one(argv[i], timeout);
            runs++;
            continue;
        }
        struct dirent **list;
        int n = scandir(argv[i], &list, visible, by_name);
        if (n < 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            failed++;
            continue;
        }
        for (int k = 0; k < n; k++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], list[k]->d_name);
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                failed += run_one(path, timeout);
                runs++;
            }
            free(list[k]);
        }
        free(list);
    }
    printf("replay: %d input(s), %d failed\n", runs, failed);
    fflush(stdout);
    if (runs == 0) {
        fprintf(stderr, "replay: no inputs found\n");
        return 1;
    }
    return failed ? 1 : 0;
}
