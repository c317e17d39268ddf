/* evaluation.c - spec 10.5's cumulative savings analysis. */
#include "powersched/evaluation.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static double month_pct(const ps_episode_record *r, int from, int to, int vs_off) {
    double base = 0, agent = 0;
    for (int i = from; i < to; i++) {
        base += vs_off ? r[i].baseline_cost_off : r[i].baseline_cost;
        agent += r[i].agent_cost;
    }
    return base > 0 ? (base - agent) / base * 100 : 0.0;
}

void ps_eval_monthly_pct(const ps_episode_record *r, int n, int vs_off, double *out) {
    int i = 0;
    for (; i + 1 < n; i += 2) out[i] = out[i + 1] = month_pct(r, i, i + 2, vs_off);
    if (i < n) out[i] = i > 0 ? out[i - 1] : month_pct(r, i, i + 1, vs_off);
}

static double mean_monthly(const ps_episode_record *r, int n, int vs_off) {
    double v[n > 0 ? n : 1], sum = 0;
    ps_eval_monthly_pct(r, n, vs_off, v);
    for (int i = 0; i < n; i++) sum += v[i];
    return n > 0 ? sum / n : 0.0;
}

static double div_or_nan(double a, double b) { return b > 0 ? a / b : NAN; }

static void jobs(const ps_episode_record *r, int n, int hours, ps_eval_summary *s) {
    double wait = 0, bwait = 0, mq = 0, bmq = 0, arr = 0, arr2 = 0;
    for (int i = 0; i < n; i++) {
        s->agent_completed += r[i].jobs_completed;
        s->agent_submitted += r[i].jobs_submitted;
        s->baseline_completed += r[i].baseline_jobs_completed;
        s->baseline_submitted += r[i].baseline_jobs_submitted;
        wait += r[i].avg_wait_time * r[i].jobs_completed;
        bwait += r[i].baseline_avg_wait_time * r[i].baseline_jobs_completed;
        mq += r[i].max_queue_size;
        bmq += r[i].baseline_max_queue_size;
        double a = r[i].jobs_submitted / hours;
        arr += a;
        arr2 += a * a;
        s->agent_dropped += r[i].jobs_lost_total;
        s->baseline_dropped += r[i].baseline_jobs_lost_total;
    }
    s->agent_completion_pct = div_or_nan(s->agent_completed * 100, s->agent_submitted);
    s->baseline_completion_pct = div_or_nan(s->baseline_completed * 100, s->baseline_submitted);
    s->agent_avg_wait = s->agent_completed > 0 ? wait / s->agent_completed : 0;
    s->baseline_avg_wait = s->baseline_completed > 0 ? bwait / s->baseline_completed : 0;
    s->agent_avg_max_queue = n ? mq / n : 0;
    s->baseline_avg_max_queue = n ? bmq / n : 0;
    s->arrivals_per_hour_mean = n ? arr / n : 0;
    s->arrivals_per_hour_std = n ? sqrt(fmax(arr2 / n - s->arrivals_per_hour_mean * s->arrivals_per_hour_mean, 0)) : 0;
}

static void money(const ps_episode_record *r, int n, ps_eval_summary *s) {
    double pa = 0, pb = 0, po = 0, ca = 0, cb = 0, co = 0;
    for (int i = 0; i < n; i++) {
        s->agent_cost += r[i].agent_cost;
        s->baseline_cost += r[i].baseline_cost;
        s->baseline_off_cost += r[i].baseline_cost_off;
        pa += r[i].agent_prop_power_mwh;
        pb += r[i].baseline_prop_power_mwh;
        po += r[i].baseline_off_prop_power_mwh;
        ca += r[i].agent_prop_cost;
        cb += r[i].baseline_prop_cost;
        co += r[i].baseline_off_prop_cost;
    }
    s->agent_cost_per_1k = div_or_nan(s->agent_cost * 1000, s->agent_completed);
    s->baseline_cost_per_1k = div_or_nan(s->baseline_cost * 1000, s->baseline_completed);
    s->baseline_off_cost_per_1k = div_or_nan(s->baseline_off_cost * 1000, s->baseline_completed);
    s->lost_per_saved_euro = s->total_savings > 0 ? s->agent_dropped / s->total_savings : NAN;
    s->lost_per_saved_euro_off = s->total_savings_off > 0 ? s->agent_dropped / s->total_savings_off : NAN;
    s->agent_mwh = pa;
    s->baseline_mwh = pb;
    s->baseline_off_mwh = po;
    s->agent_eur_per_mwh = div_or_nan(ca, pa);
    s->baseline_eur_per_mwh = div_or_nan(cb, pb);
    s->baseline_off_eur_per_mwh = div_or_nan(co, po);
    s->prop_savings = cb - ca;
    s->prop_savings_pct = div_or_nan((cb - ca) * 100, cb);
    s->prop_savings_off = co - ca;
    s->prop_savings_off_pct = div_or_nan((co - ca) * 100, co);
    /* energy volume at the agent's price + the price gap on baseline_off's energy */
    double p_agent = pa > 0 ? ca / pa : 0, p_off = po > 0 ? co / po : 0;
    s->saving_off_energy_volume = (po - pa) * p_agent;
    s->saving_off_price_timing = po * (p_off - p_agent);
}

static void oracles(const ps_episode_record *r, int n, ps_eval_summary *s) {
    s->agent_wait_p95_max = NAN;
    for (int i = 0; i < n; i++) {
        s->oracle_liquid_cost += r[i].oracle_liquid_cost;
        s->oracle_contiguous_cost += r[i].oracle_contiguous_cost;
        s->oracle_unscheduled += r[i].oracle_unscheduled;
        s->oracle_spillover += r[i].oracle_spillover;
        double p95 = r[i].agent_wait_p95;
        if (!isnan(p95) && (isnan(s->agent_wait_p95_max) || p95 > s->agent_wait_p95_max)) s->agent_wait_p95_max = p95;
    } /* NaN records (oracles off) make the sums NaN: not computed */
    double gap = s->baseline_off_cost - s->oracle_contiguous_cost;
    s->oracle_capture_pct = gap != 0 ? (s->baseline_off_cost - s->agent_cost) / gap * 100 : NAN;
}

void ps_eval_summarize(const ps_episode_record *r, int n, double eval_months, int hours, ps_eval_summary *s) {
    memset(s, 0, sizeof *s);
    s->episodes = n;
    s->eval_months = eval_months;
    for (int i = 0; i < n; i++) {
        s->total_savings += r[i].baseline_cost - r[i].agent_cost;
        s->total_savings_off += r[i].baseline_cost_off - r[i].agent_cost;
    }
    s->avg_monthly_pct = mean_monthly(r, n, 0);
    s->avg_monthly_pct_off = mean_monthly(r, n, 1);
    s->annual_savings = eval_months > 0 ? s->total_savings * 12 / eval_months : NAN;
    s->annual_savings_off = eval_months > 0 ? s->total_savings_off * 12 / eval_months : NAN;
    jobs(r, n, hours, s);
    money(r, n, s);
    oracles(r, n, s);
}

void ps_eval_number_slug(double v, char *buf, size_t size) {
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.6f", v);
    char *dot = strchr(tmp, '.');
    if (dot) {
        char *end = tmp + strlen(tmp);
        while (end > dot && end[-1] == '0') *--end = '\0';
        if (end - 1 == dot) *dot = '\0';
    }
    if (!strcmp(tmp, "-0")) snprintf(tmp, sizeof tmp, "0");
    size_t o = 0;
    for (const char *c = tmp; *c && o + 1 < size; c++) buf[o++] = *c == '-' ? 'm' : *c == '.' ? 'p' : *c;
    buf[o] = '\0';
}

/* A weight's tag in folder names: the initials of its name's words
 * (efficiency -> "e", job_age -> "ja"). */
static void weight_tag(const char *name, char *buf, size_t size) {
    size_t o = 0;
    for (const char *c = name; *c && o + 1 < size; c++)
        if (c == name || c[-1] == '_') buf[o++] = *c;
    buf[o] = '\0';
}

void ps_eval_dir_name(const char *model, const ps_weights *w, char *buf, size_t size) {
    int o = snprintf(buf, size, "m%s", model);
    for (int k = 0; k < PS_EVAL_NAMED_WEIGHTS && o >= 0 && (size_t)o < size; k++) {
        char tag[16], v[40];
        weight_tag(ps_weight_fields[k].name, tag, sizeof tag);
        ps_eval_number_slug(ps_weight_get(w, k), v, sizeof v);
        o += snprintf(buf + o, size - (size_t)o, "_%s%s", tag, v);
    }
}
