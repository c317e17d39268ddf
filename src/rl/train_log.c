/* train_log.c - episodes.csv and updates.csv of a training session. */
#include "train_log.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static const char UPDATES_HEADER[] =
    "steps,n_updates,policy_loss,value_loss,entropy_loss,approx_kl,clip_fraction,loss,explained_variance,"
    "grad_norm,learning_rate,steps_per_s";

/* Opens dir/name for appending; *fresh says whether it needs its header. */
static FILE *open_append(const char *dir, const char *name, int *fresh, ps_error *err) {
    char path[4600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    *fresh = access(path, F_OK) != 0;
    FILE *f = fopen(path, "a");
    if (!f) ps_error_set(err, "%s: cannot open for appending: %s", path, strerror(errno));
    return f;
}

int ps_train_log_open(ps_train_log *l, const char *dir, ps_error *err) {
    memset(l, 0, sizeof *l);
    int fresh;
    if (!(l->episodes = open_append(dir, "episodes.csv", &fresh, err))) return PS_ERR;
    if (fresh) {
        fprintf(l->episodes, "steps");
        for (int i = 0; i < ps_episode_field_count; i++) fprintf(l->episodes, ",%s", ps_episode_fields[i].name);
        fputc('\n', l->episodes);
    }
    if (!(l->updates = open_append(dir, "updates.csv", &fresh, err))) return PS_ERR;
    if (fresh) fprintf(l->updates, "%s\n", UPDATES_HEADER);
    return PS_OK;
}

void ps_train_log_close(ps_train_log *l) {
    if (l->episodes) fclose(l->episodes);
    if (l->updates) fclose(l->updates);
    l->episodes = l->updates = NULL;
}

void ps_train_log_episode(ps_train_log *l, int64_t steps, const ps_episode_record *rec) {
    fprintf(l->episodes, "%lld", (long long)steps);
    for (int i = 0; i < ps_episode_field_count; i++)
        fprintf(l->episodes, ",%.17g", *(const double *)((const char *)rec + ps_episode_fields[i].offset));
    fputc('\n', l->episodes);
    fflush(l->episodes);
}

void ps_train_log_update(ps_train_log *l, const ps_update_stats *s, int64_t steps, double learning_rate,
                         double steps_per_s) {
    fprintf(l->updates, "%lld,%lld,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.1f\n", (long long)steps,
            (long long)s->n_updates, s->policy_loss, s->value_loss, s->entropy_loss, s->approx_kl, s->clip_fraction,
            s->loss, s->explained_variance, s->grad_norm, learning_rate, steps_per_s);
    fflush(l->updates);
}
