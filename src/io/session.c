/* session.c - session folders, weight prefixes and checkpoint choice. */
#include "powersched/session.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <cJSON.h>

#include "powersched/io.h"
#include "powersched/plot.h"

void ps_py_float_repr(double v, char *buf, size_t size) {
    if (v == 0) v = 0.0; /* -0.0 -> 0.0 */
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) break;
    }
    char *e = strchr(buf, 'e');
    if (e) {
        int exp = atoi(e + 1);
        if (exp >= -4 && exp < 16) { /* Python writes these positionally */
            int digits = (int)(e - buf) - (buf[0] == '-') - (strchr(buf, '.') ? 1 : 0);
            int decimals = digits - 1 - exp;
            snprintf(buf, size, "%.*f", decimals > 0 ? decimals : 0, v);
        }
    }
    if (!strpbrk(buf, ".en")) strncat(buf, ".0", size - strlen(buf) - 1);
}

void ps_weights_prefix(const ps_weights *w, char *buf, size_t size) {
    size_t o = 0;
    buf[0] = '\0';
    for (int k = 0; k < PS_N_WEIGHTS && o < size; k++) {
        char v[26]; /* repr of a double: at most 24 chars */
        ps_py_float_repr(ps_weight_get(w, k), v, sizeof v);
        o += (size_t)snprintf(buf + o, size - o, "%s%c%s", k ? "_" : "", ps_weight_fields[k].letter, v);
    }
}

/* One path component that is safe to show in a plot title or a script
 * comment: the name becomes a folder, so "..", "/" and control characters
 * (a newline would start a new line in sweep.sbatch) are refused. */
int ps_session_check_name(const char *name, ps_error *err) {
    if (!*name) return ps_error_set(err, "--session NAME is required");
    if (strlen(name) > PS_SESSION_NAME_MAX)
        return ps_error_set(err, "--session: a name has at most %d characters", PS_SESSION_NAME_MAX);
    for (const unsigned char *c = (const unsigned char *)name; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            return ps_error_set(err, "--session: a name holds no control characters (found byte 0x%02x)", *c);
    if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
        return ps_error_set(err, "--session: '%s' is not a name (one folder name: no '/', not . or ..)", name);
    return PS_OK;
}

int ps_session_lock(const ps_session *s, int *fd, ps_error *err) {
    char path[sizeof s->models_dir + 8];
    snprintf(path, sizeof path, "%s/.lock", s->models_dir);
    *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (*fd < 0) return ps_error_set(err, "%s: cannot open lock file: %s", path, strerror(errno));
    if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
        int saved = errno;
        char pid[24] = "";
        ssize_t n = pread(*fd, pid, sizeof pid - 1, 0);
        pid[n > 0 ? n : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        close(*fd);
        *fd = -1;
        if (saved == EWOULDBLOCK)
            return ps_error_set(err, "%s is in use by pid %s (another train in this session and weights)",
                                s->models_dir, *pid ? pid : "?");
        return ps_error_set(err, "%s: cannot lock: %s", path, strerror(saved));
    }
    char pid[24];
    int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    int written = ftruncate(*fd, 0) == 0 && pwrite(*fd, pid, (size_t)len, 0) == len;
    (void)written; /* the pid only feeds another process's message; the lock holds without it */
    return PS_OK;
}

void ps_session_unlock(int fd) {
    if (fd >= 0) close(fd);
}

void ps_session_paths(ps_session *s, const char *base, const char *name, const uint64_t *seed_sweep,
                      const ps_weights *w) {
    memset(s, 0, sizeof *s);
    if (seed_sweep)
        snprintf(s->root, sizeof s->root, "%s/%s/seed_%llu", base, name, (unsigned long long)*seed_sweep);
    else
        snprintf(s->root, sizeof s->root, "%s/%s", base, name);
    ps_weights_prefix(w, s->prefix, sizeof s->prefix);
    snprintf(s->models_dir, sizeof s->models_dir, "%s/models/%s", s->root, s->prefix);
    snprintf(s->logs_dir, sizeof s->logs_dir, "%s/logs/%s", s->root, s->prefix);
    snprintf(s->tb_dir, sizeof s->tb_dir, "%s/tb/%s", s->root, s->prefix);
    snprintf(s->plots_dir, sizeof s->plots_dir, "%s/plots", s->root);
}

int ps_session_open(ps_session *s, const char *base, const char *name, const uint64_t *seed_sweep,
                    const ps_weights *w, ps_error *err) {
    ps_session_paths(s, base, name, seed_sweep, w);
    if (ps_mkdirs(s->models_dir, err) != PS_OK || ps_mkdirs(s->logs_dir, err) != PS_OK ||
        ps_mkdirs(s->plots_dir, err) != PS_OK)
        return PS_ERR;
    return PS_OK;
}

void ps_session_model_path(const ps_session *s, int64_t steps, char *path, size_t size) {
    snprintf(path, size, "%s/%lld.zip", s->models_dir, (long long)steps);
}

/* <digits>.zip -> steps, else -1; a count past PS_MAX_STEPS is not ours
 * (a stray file), so it cannot become "the latest". */
static int64_t zip_steps(const char *name) {
    size_t digits = strspn(name, "0123456789");
    if (digits == 0 || digits > 16 || strcmp(name + digits, ".zip") != 0) return -1;
    long long v = strtoll(name, NULL, 10);
    return v <= PS_MAX_STEPS ? v : -1;
}

int64_t ps_session_pick_model(const ps_session *s, int64_t want, char *path, size_t size, FILE *warn) {
    DIR *d = opendir(s->models_dir);
    if (!d) return -1;
    int64_t latest = -1, found = -1;
    for (struct dirent *e; (e = readdir(d));) {
        int64_t v = zip_steps(e->d_name);
        if (v > latest) latest = v;
        if (v >= 0 && v == want) found = v;
    }
    closedir(d);
    if (want >= 0 && found < 0 && latest >= 0 && warn)
        fprintf(warn, "warning: %s/%lld.zip not found; using the latest, %lld.zip\n", s->models_dir,
                (long long)want, (long long)latest);
    int64_t pick = found >= 0 ? found : latest;
    if (pick >= 0) ps_session_model_path(s, pick, path, size);
    return pick;
}

int ps_session_find_checkpoint(const char *base, const char *flag, const char *spec, const char *prefix, char *path,
                               size_t size, ps_error *err) {
    size_t len = strlen(spec);
    if (len > 4 && !strcmp(spec + len - 4, ".zip")) {
        if (access(spec, R_OK) != 0) return ps_error_set(err, "%s %s: %s", flag, spec, strerror(errno));
        snprintf(path, size, "%s", spec);
        return PS_OK;
    }
    const char *slash = strrchr(spec, '/');
    int with_steps = slash && slash[1] && strspn(slash + 1, "0123456789") == strlen(slash + 1);
    int64_t want = with_steps ? strtoll(slash + 1, NULL, 10) : -1;
    int name_len = with_steps ? (int)(slash - spec) : (int)len;
    if (name_len == 0) return ps_error_set(err, "%s '%s' names no session", flag, spec);
    ps_session s;
    memset(&s, 0, sizeof s);
    snprintf(s.models_dir, sizeof s.models_dir, "%s/%.*s/models/%s", base, name_len, spec, prefix);
    int64_t got = ps_session_pick_model(&s, want, path, size, NULL);
    if (got < 0)
        return ps_error_set(err, "%s %s: no checkpoint in %s (%s)", flag, spec, s.models_dir,
                            strcmp(flag, "--init-from") ? "the evaluated session's weights folder"
                                                        : "the source's weights folder: --init-from-weights PREFIX");
    if (want >= 0 && got != want)
        return ps_error_set(err, "%s %s: %s/%lld.zip does not exist (the latest is %lld.zip)", flag, spec,
                            s.models_dir, (long long)want, (long long)got);
    return PS_OK;
}

int ps_session_write_config(const ps_session *s, const ps_optset *set, uint64_t seed, int seed_given,
                            const cJSON *provenance, ps_error *err) {
    char seed_text[24], path[4200];
    snprintf(seed_text, sizeof seed_text, "%llu", (unsigned long long)seed);
    snprintf(path, sizeof path, "%s/config.json", s->root);
    cJSON *root = cJSON_CreateObject(), *options = ps_optset_json_groups(set, NULL, 0);
    int ok = root && options && cJSON_AddStringToObject(root, "weights_prefix", s->prefix) &&
             cJSON_AddStringToObject(root, "seed", seed_text) && cJSON_AddBoolToObject(root, "seed_given", seed_given);
    if (ok && cJSON_AddItemToObject(root, "options", options)) options = NULL;
    else ok = 0;
    for (const cJSON *e = provenance ? provenance->child : NULL; ok && e; e = e->next)
        ok = cJSON_AddItemToObject(root, e->string, cJSON_Duplicate(e, 1));
    int rc = ok ? ps_write_json(path, root, err) : ps_error_set(err, "%s: out of memory", path);
    cJSON_Delete(options);
    cJSON_Delete(root);
    return rc;
}
