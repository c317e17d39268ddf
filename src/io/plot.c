/* plot.c - run gnuplot on a written script (posix_spawn, no shell). */
#define _GNU_SOURCE /* posix_spawn_file_actions_addchdir_np */
#include "powersched/plot.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int ps_gnuplot_available(void) {
    const char *path = getenv("PATH");
    if (!path) return 0;
    char dir[4096], exe[4200];
    for (const char *p = path; *p;) {
        size_t len = strcspn(p, ":");
        snprintf(dir, sizeof dir, "%.*s", (int)len, p);
        snprintf(exe, sizeof exe, "%s/gnuplot", *dir ? dir : ".");
        if (access(exe, X_OK) == 0) return 1;
        p += len + (p[len] == ':');
    }
    return 0;
}

void ps_gnuplot_string(const char *text, char *buf, size_t size) {
    size_t o = 0;
    if (size < 3) {
        if (size) buf[0] = '\0';
        return;
    }
    buf[o++] = '\'';
    for (const unsigned char *c = (const unsigned char *)text; *c && o + 3 < size; c++) {
        if (*c < 0x20 || *c == 0x7f) continue;
        if (*c == '\'') {
            if (o + 4 >= size) break;
            buf[o++] = '\'';
        }
        buf[o++] = (char)*c;
    }
    buf[o++] = '\'';
    buf[o] = '\0';
}

int ps_gnuplot_render(const char *dir, const char *script, ps_error *err) {
    if (!ps_gnuplot_available()) return ps_error_set(err, "gnuplot is not installed (apt-get install gnuplot-nox)");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addchdir_np(&fa, dir);
    char *argv[] = {"gnuplot", (char *)script, NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return ps_error_set(err, "cannot start gnuplot: %s", strerror(rc));
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return ps_error_set(err, "waiting for gnuplot: %s", strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return ps_error_set(err, "gnuplot failed on %s/%s (status %d)", dir, script, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return PS_OK;
}

int ps_mkdirs(const char *path, ps_error *err) {
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) return ps_error_set(err, "%s: path too long", path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return ps_error_set(err, "%s: cannot create folder: %s", buf, strerror(errno));
            if (c == '\0') break;
            *p = c;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) return ps_error_set(err, "%s: not a folder", path);
    return PS_OK;
}
