/* train_log.c - episodes.csv, updates.csv and TensorBoard events of a
 * training run. */
#include "train_log.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "powersched/io.h"

static const char UPDATES_HEADER[] =
    "steps,n_updates,policy_loss,value_loss,entropy_loss,approx_kl,clip_fraction,loss,explained_variance,"
    "grad_norm,learning_rate,steps_per_s";

#define M(tag, field) {"metrics/" tag, #field, offsetof(ps_episode_record, field)}
const ps_tb_metric ps_tb_metrics[] = {
    /* the callback of the reference era (mirror HEAD c20eabb, branch 4d706f6) */
    M("cost", agent_cost), M("savings", savings_vs_baseline), M("savings_off", savings_vs_baseline_off),
    M("baseline_cost", baseline_cost), M("baseline_cost_off", baseline_cost_off),
    M("jobs_submitted", jobs_submitted), M("jobs_completed", jobs_completed),
    M("completion_rate", completion_rate), M("avg_wait_hours", avg_wait_time),
    M("max_queue_size", max_queue_size), M("max_backlog_size", max_backlog_size),
    M("jobs_dropped", jobs_dropped), M("jobs_rejected_queue_full", jobs_rejected_queue_full),
    M("baseline_jobs_submitted", baseline_jobs_submitted), M("baseline_jobs_completed", baseline_jobs_completed),
    M("baseline_completion_rate", baseline_completion_rate), M("baseline_avg_wait_hours", baseline_avg_wait_time),
    M("baseline_max_queue_size", baseline_max_queue_size), M("baseline_max_backlog_size", baseline_max_backlog_size),
    M("baseline_jobs_dropped", baseline_jobs_dropped),
    M("baseline_jobs_rejected_queue_full", baseline_jobs_rejected_queue_full),
    M("on_nodes", on_nodes_end), M("used_nodes", used_nodes_end),
    /* the newest callback's additions */
    M("jobs_launched", jobs_launched), M("max_drop_streak", max_drop_streak),
    M("pending_jobs_end", pending_jobs_end), M("pending_core_hours_end", pending_core_hours_end),
    M("overdue_jobs_end", overdue_jobs_end), M("jobs_flushed", jobs_flushed), M("jobs_lost_total", jobs_lost_total),
    M("loss_rate", loss_rate), M("baseline_jobs_launched", baseline_jobs_launched),
    M("baseline_pending_jobs_end", baseline_pending_jobs_end),
    M("baseline_overdue_jobs_end", baseline_overdue_jobs_end), M("baseline_jobs_flushed", baseline_jobs_flushed),
    M("baseline_jobs_lost_total", baseline_jobs_lost_total), M("baseline_loss_rate", baseline_loss_rate),
    M("prop_power_mwh", agent_prop_power_mwh), M("baseline_prop_power_mwh", baseline_prop_power_mwh),
    M("baseline_off_prop_power_mwh", baseline_off_prop_power_mwh),
    M("savings_prop_cost_vs_baseline_off", savings_prop_cost_vs_baseline_off),
};
#undef M
const int ps_tb_metric_count = (int)(sizeof ps_tb_metrics / sizeof ps_tb_metrics[0]);

/* Opens dir/name for appending; *fresh says whether it needs its header
 * (new or empty). */
static FILE *open_append(const char *dir, const char *name, int *fresh, ps_error *err) {
    char path[4600];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    *fresh = stat(path, &st) != 0 || st.st_size == 0;
    FILE *f = fopen(path, "a");
    if (!f) ps_error_set(err, "%s: cannot open for appending: %s", path, strerror(errno));
    return f;
}

/* The CSV files, with their headers when new. */
static int open_csv(ps_train_log *l, ps_error *err) {
    int fresh;
    if (!(l->episodes = open_append(l->dir, "episodes.csv", &fresh, err))) return PS_ERR;
    if (fresh) {
        fprintf(l->episodes, "steps");
        for (int i = 0; i < ps_episode_field_count; i++) fprintf(l->episodes, ",%s", ps_episode_fields[i].name);
        fputc('\n', l->episodes);
    }
    if (!(l->updates = open_append(l->dir, "updates.csv", &fresh, err))) return PS_ERR;
    if (fresh) fprintf(l->updates, "%s\n", UPDATES_HEADER);
    return PS_OK;
}

static void close_csv(ps_train_log *l) {
    if (l->episodes) fclose(l->episodes);
    if (l->updates) fclose(l->updates);
    l->episodes = l->updates = NULL;
}

int ps_train_log_open(ps_train_log *l, const char *dir, const char *tb_dir, ps_error *err) {
    memset(l, 0, sizeof *l);
    if (strlen(dir) >= sizeof l->dir) return ps_error_set(err, "%s: path too long", dir);
    snprintf(l->dir, sizeof l->dir, "%s", dir);
    if (open_csv(l, err) != PS_OK) return PS_ERR;
    return tb_dir ? ps_tb_open(&l->tb, tb_dir, err) : PS_OK;
}

void ps_train_log_close(ps_train_log *l) {
    close_csv(l);
    ps_tb_close(&l->tb);
}

/* ---- resume: each step once -------------------------------------------- */

/* A row logged after `steps`: its first field (the steps it was logged at)
 * is a number above. The header, and anything else, is not. */
static int row_after(const char *line, int64_t steps) {
    char *end;
    errno = 0;
    long long v = strtoll(line, &end, 10);
    return end != line && *end == ',' && errno == 0 && v > steps;
}

/* Copies in's lines to out (NULL: only counts), leaving out the rows logged
 * after steps and a last line without its newline (a row a kill cut
 * short, which the next row would otherwise be glued to). */
static long copy_rows(FILE *in, FILE *out, int64_t steps) {
    char *line = NULL;
    size_t cap = 0;
    long dropped = 0;
    for (ssize_t len; (len = getline(&line, &cap, in)) > 0;) {
        if (line[len - 1] != '\n' || row_after(line, steps)) dropped++;
        else if (out) fwrite(line, 1, (size_t)len, out);
    }
    free(line);
    return ferror(in) ? -1 : dropped;
}

/* Rewrites path (a regular file) without its rows past steps. */
static int rewrite_rows(const char *path, int64_t steps, ps_error *err) {
    FILE *in = fopen(path, "r");
    if (!in) return ps_error_set(err, "%s: cannot open: %s", path, strerror(errno));
    ps_atomic_file f;
    int rc = ps_atomic_open(&f, path, err);
    if (rc == PS_OK && copy_rows(in, f.fp, steps) < 0) {
        ps_atomic_abort(&f);
        rc = ps_error_set(err, "%s: cannot read: %s", path, strerror(errno));
    }
    fclose(in);
    return rc == PS_OK ? ps_atomic_commit(&f, err) : rc;
}

/* dir/name without the rows logged after steps: counted first, so a file
 * with none is left alone; a link or other non-regular file is kept. */
static int cut_csv(const char *dir, const char *name, int64_t steps, FILE *warn, ps_error *err) {
    char path[4600];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *in = lstat(path, &st) == 0 ? fopen(path, "r") : NULL;
    if (!in) return errno == ENOENT ? PS_OK : ps_error_set(err, "%s: cannot open: %s", path, strerror(errno));
    long dropped = copy_rows(in, NULL, steps);
    fclose(in);
    if (dropped < 0) return ps_error_set(err, "%s: cannot read", path);
    if (dropped > 0 && !S_ISREG(st.st_mode)) {
        if (warn) fprintf(warn, "warning: %s is not a regular file: its %ld rows after step %lld are kept\n", path,
                          dropped, (long long)steps);
        return PS_OK;
    }
    if (dropped == 0 || rewrite_rows(path, steps, err) != PS_OK) return dropped == 0 ? PS_OK : PS_ERR;
    if (warn)
        fprintf(warn, "warning: dropped %ld rows of %s logged after step %lld (by a run past the checkpoint "
                "resumed)\n", dropped, path, (long long)steps);
    return PS_OK;
}

int ps_train_log_resume(ps_train_log *l, int64_t steps, FILE *warn, ps_error *err) {
    close_csv(l);
    if (cut_csv(l->dir, "episodes.csv", steps, warn, err) != PS_OK ||
        cut_csv(l->dir, "updates.csv", steps, warn, err) != PS_OK)
        return PS_ERR;
    return open_csv(l, err);
}

/* Keeps the first failure of a CSV row (a full disk, say). */
static void check_row(ps_train_log *l, FILE *f, const char *name) {
    if (!l->failed && (ferror(f) || fflush(f) != 0)) {
        l->failed = 1;
        ps_error_set(&l->err, "%s: write failed: %s", name, strerror(errno));
    }
}

/* One scalar at the wall-clock time, unless a write already failed. */
static void scalar(ps_train_log *l, const char *tag, int64_t step, double value) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (l->tb.fp && !l->failed &&
        ps_tb_scalar(&l->tb, tag, step, value, (double)ts.tv_sec + ts.tv_nsec * 1e-9, &l->err) != PS_OK)
        l->failed = 1;
}

void ps_train_log_episode(ps_train_log *l, int64_t steps, const ps_episode_record *rec) {
    fprintf(l->episodes, "%lld", (long long)steps);
    for (int i = 0; i < ps_episode_field_count; i++)
        fprintf(l->episodes, ",%.17g", *(const double *)((const char *)rec + ps_episode_fields[i].offset));
    fputc('\n', l->episodes);
    check_row(l, l->episodes, "episodes.csv");
    for (int i = 0; i < ps_tb_metric_count; i++)
        scalar(l, ps_tb_metrics[i].tag, steps, *(const double *)((const char *)rec + ps_tb_metrics[i].offset));
    /* SB3's Monitor: the episode's summed reward and its length */
    l->ep_reward[l->n_ep % PS_EP_INFO_LEN] = rec->total_reward;
    l->ep_len[l->n_ep % PS_EP_INFO_LEN] = rec->episode_steps;
    l->n_ep++;
}

static double mean_of(const double *x, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += x[i];
    return s / n;
}

void ps_train_log_update(ps_train_log *l, const ps_update_stats *s, int64_t steps, double learning_rate,
                         double clip_range, double steps_per_s) {
    fprintf(l->updates, "%lld,%lld,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.1f\n", (long long)steps,
            (long long)s->n_updates, s->policy_loss, s->value_loss, s->entropy_loss, s->approx_kl, s->clip_fraction,
            s->loss, s->explained_variance, s->grad_norm, learning_rate, steps_per_s);
    check_row(l, l->updates, "updates.csv");
    if (l->n_ep > 0) { /* SB3 logs rollout/... only once an episode has finished */
        int n = l->n_ep < PS_EP_INFO_LEN ? l->n_ep : PS_EP_INFO_LEN;
        scalar(l, "rollout/ep_rew_mean", steps, mean_of(l->ep_reward, n));
        scalar(l, "rollout/ep_len_mean", steps, mean_of(l->ep_len, n));
    }
    scalar(l, "time/fps", steps, (double)(int64_t)steps_per_s); /* SB3: int(steps / seconds) */
    const struct {
        const char *tag;
        double v;
    } train[] = {
        {"train/policy_gradient_loss", s->policy_loss}, {"train/value_loss", s->value_loss},
        {"train/entropy_loss", s->entropy_loss},        {"train/approx_kl", s->approx_kl},
        {"train/clip_fraction", s->clip_fraction},      {"train/loss", s->loss},
        {"train/explained_variance", s->explained_variance}, {"train/learning_rate", learning_rate},
        {"train/clip_range", clip_range},               {"train/n_updates", (double)s->n_updates},
    };
    for (size_t i = 0; i < sizeof train / sizeof train[0]; i++) scalar(l, train[i].tag, steps, train[i].v);
}

