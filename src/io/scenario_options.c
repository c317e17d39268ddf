/* scenario_options.c - the data and weight option groups and the scenario spec they make. */
#include "powersched/scenario_options.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void ps_sim_flags_init(ps_sim_flags *f) {
    f->prices = f->job_durations = f->jobs = f->jobs_swf = f->hourly_jobs = f->price_rows = f->price_column = "";
    f->swf_cores_per_node = PS_SWF_CORES_PER_NODE;
    f->price_gaps = "error";
    f->reward = f->price_timing = "reference";
    f->price_history = "window-end";
    f->hard_reset = "off";
    f->hourly_scale = "thin";
    f->exact_replay = f->exact_replay_aggregate = 0;
    f->arrival_scale = 1.0;
    f->seed = 0;
    f->weights = ps_weights_default();
    f->cluster = ps_config_default();
    ps_wg_flags_init(&f->wg);
}

/* One option per reward weight, from the weights' declaration. */
static void weight_options(ps_weights *w, ps_optset *set) {
    ps_option opts[PS_N_WEIGHTS];
    for (int k = 0; k < PS_N_WEIGHTS; k++) {
        const ps_weight_field *f = &ps_weight_fields[k];
        opts[k] = (ps_option){f->flag, OPT_DOUBLE, ps_weight_at(w, k), "W", f->help, -1e6, 1e6};
    }
    ps_optset_add(set, PS_GROUP_WEIGHTS, opts, PS_N_WEIGHTS);
}

/* Defaults are the reference's model (instant, free switching, nothing drawn
 * when off): every saving against always-on is then an upper bound. */
static void energy_options(ps_config *c, ps_optset *set) {
    const ps_option opts[] = {
        {"--node-idle-watts", OPT_DOUBLE, &c->cost_idle_w, "W", "power of a powered, idle node (sites: 100-250)", 0, 1e5},
        {"--node-busy-watts", OPT_DOUBLE, &c->cost_used_w, "W", "power of a fully used node (sites: 300-700; GPU nodes more)", 1e-3, 1e5},
        {"--node-off-watts", OPT_DOUBLE, &c->node_off_w, "W", "power of a node that is off: BMC, PSU standby (sites: 5-20)", 0, 1e5},
        {"--node-boot-kwh", OPT_DOUBLE, &c->node_boot_kwh, "KWH", "energy of one power-on (a 5-10 min boot: ~0.02-0.05)", 0, 1e3},
        {"--node-shutdown-kwh", OPT_DOUBLE, &c->node_shutdown_kwh, "KWH", "energy of one power-off (~0.005-0.01)", 0, 1e3},
        {"--node-boot-hours", OPT_INT, &c->node_boot_hours, "H", "steps before a node switched on is usable (0: the same hour)", 0, 336},
    };
    ps_optset_add(set, PS_GROUP_ENERGY, opts, PS_COUNT(opts));
}

static void service_options(ps_config *c, ps_optset *set) {
    const ps_option opts[] = {
        {"--max-wait", OPT_INT, &c->guard_max_wait, "H",
         "QoS guard: when a job would wait longer than H hours, nodes for the waiting work are switched on and the backlog pulled, whatever the policy says (0: off)",
         0, 336},
        {"--hold-price", OPT_DOUBLE, &c->hold_price, "P",
         "policy job-timing: a job is held only when starting it later saves more than P EUR/MWh per hour of its wait (0: any saving)",
         0, 1e4},
    };
    ps_optset_add(set, PS_GROUP_SERVICE, opts, PS_COUNT(opts));
}

/* The newer prototype's training contract (spec 18 C): every default is the
 * 47e1086 reference, so runs without these flags keep the golden parity. */
static void contract_options(ps_sim_flags *f, ps_optset *set) {
    const ps_option opts[] = {
        {"--reward", OPT_STRING, &f->reward, "V",
         "reference (spec 5.3) | newest: price gain 3, taus 20, blackout +1/0, backlog pressure in the job-age slot, "
         "drops -0.3 tanh(n/20) unweighted (the newest env's loss_penalty is unknown: assumed the same) | "
         "cost (beyond the prototype; weights unused): EUR saved against baseline_off, less --wait-cost per waiting "
         "job-hour | cost-at-launch: the same, but each job the agent starts is billed in that hour for its whole run "
         "against the same run started on arrival (baseline_off's schedule); the idle power of unused cores stays hourly",
         0, 0},
        {"--wait-cost", OPT_DOUBLE, &f->cluster.contract.wait_cost, "EUR",
         "with --reward cost or cost-at-launch: EUR per job and hour a job waits (a dropped job: 336 hours)", 0, 1e6},
        {"--flush-after-drop-streak", OPT_INT, &f->cluster.contract.flush_after_drop_streak, "N",
         "after N steps in a row with dropped jobs, flush both clusters (jobs lost), reward -200, episode terminated (0: off)",
         0, 1e6},
        {"--price-timing", OPT_STRING, &f->price_timing, "T",
         "reference (bill the window's first price after advancing) | decision-hour (bill it before, advance at the end)", 0, 0},
        {"--price-history", OPT_STRING, &f->price_history, "H",
         "window-end (the reference quirk: the price entering the window) | consumed (the billed price)", 0, 0},
        {"--hard-reset", OPT_STRING, &f->hard_reset, "M",
         "off | train (first reset: empty clusters, random price row) | eval (row (episode x 336) mod N)", 0, 0},
        {"--hourly-scale", OPT_STRING, &f->hourly_scale, "S",
         "thin (--job-arrival-scale thins the hourly sampler's jobs) | binomial (scales its drawn count)", 0, 0},
    };
    ps_optset_add(set, PS_GROUP_CONTRACT, opts, PS_COUNT(opts));
}

const char *ps_sim_flags_jobs(const ps_sim_flags *f) { return *f->jobs_swf ? f->jobs_swf : f->jobs; }

void ps_sim_flags_options(ps_sim_flags *f, ps_optset *set) {
    const ps_option opts[] = {
        {"--prices", OPT_STRING, &f->prices, "FILE", "hourly price CSV (Date,Price); none = synthetic daily sinusoid 16..24 EUR/MWh; logic[:HIGH:LOW] = HIGH for 12 h then LOW (250/-10)", 0, 0},
        {"--job-durations", OPT_STRING, &f->job_durations, "FILE", "durations ([D-]HH:MM:SS per line) for the legacy generator", 0, 0},
        {"--jobs", OPT_STRING, &f->jobs, "FILE", "Slurm sacct log replayed hour by hour (hourly templates); an SWF trace (.swf or ';' header) too", 0, 0},
        {"--jobs-swf", OPT_STRING, &f->jobs_swf, "FILE", "Standard Workload Format trace (Parallel Workloads Archive) replayed like --jobs", 0, 0},
        {"--swf-cores-per-node", OPT_INT, &f->swf_cores_per_node, "N", "an SWF job's processors become ceil(P/N) nodes of P/nodes cores", 1, 1 << 24},
        {"--hourly-jobs", OPT_STRING, &f->hourly_jobs, "FILE", "Slurm sacct log for the hourly statistical sampler", 0, 0},
        {"--jobs-exact-replay", OPT_FLAG, &f->exact_replay, "", "with --jobs: replay the raw jobs of each hour", 0, 0},
        {"--jobs-exact-replay-aggregate", OPT_FLAG, &f->exact_replay_aggregate, "", "with --jobs-exact-replay: aggregate each hour (same jobs as templates)", 0, 0},
        {"--job-arrival-scale", OPT_DOUBLE, &f->arrival_scale, "X", "multiply arrivals: whole copies + random thinning of the fraction", 0, PS_MAX_ARRIVAL_SCALE},
        {"--price-column", OPT_STRING, &f->price_column, "NAME", "the price file's price column by header name (default: the one named price)", 0, 0},
        {"--price-gaps", OPT_STRING, &f->price_gaps, "MODE", "error | fill: carry the last price into hours the file lacks (and keep the first of repeated times)", 0, 0},
        {"--price-rows", OPT_STRING, &f->price_rows, "A:B", "use only rows A..B of the price file (0-based, inclusive): hold rows out of training", 0, 0},
        {"--seed", OPT_U64, &f->seed, "N", "seed of the env's random streams", 0, 0},
    };
    ps_optset_add(set, PS_GROUP_DATA, opts, PS_COUNT(opts));
    energy_options(&f->cluster, set);
    service_options(&f->cluster, set);
    contract_options(f, set);
    ps_wg_flags_options(&f->wg, set);
    weight_options(&f->weights, set);
}

int ps_sim_flags_groups(const char **groups, int max) {
    ps_sim_flags f;
    ps_sim_flags_init(&f);
    ps_optset set; /* a scratch set: the groups come from the one declaration above */
    ps_optset_init(&set);
    ps_sim_flags_options(&f, &set);
    return ps_optset_groups(&set, groups, max);
}

/* "A:B" with 0 <= A <= B. */
static int parse_rows(const char *s, long long *a, long long *b, ps_error *err) {
    char *end;
    errno = 0;
    *a = strtoll(s, &end, 10);
    if (end == s || *end != ':' || errno) return ps_error_set(err, "--price-rows: '%s' is not A:B", s);
    const char *t = end + 1;
    *b = strtoll(t, &end, 10);
    if (end == t || *end || errno || *a < 0 || *b < *a)
        return ps_error_set(err, "--price-rows: '%s' is not A:B with 0 <= A <= B", s);
    return PS_OK;
}

/* The index of `word` in names[0..n), or an error naming the flag. */
static int choice(const char *flag, const char *word, const char *const *names, int n, int *out, ps_error *err) {
    for (int i = 0; i < n; i++)
        if (!strcmp(word, names[i])) {
            *out = i;
            return PS_OK;
        }
    char list[160] = "";
    for (int i = 0; i < n; i++) snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", names[i]);
    return ps_error_set(err, "%s: '%s' is not one of %s", flag, word, list);
}

/* "logic", "logic:HIGH:LOW": the logic price instead of a file (spec 18.21). */
static int logic_prices(const char *s, ps_contract *c, int *is_logic, ps_error *err) {
    *is_logic = !strcmp(s, "logic") || !strncmp(s, "logic:", 6);
    if (!*is_logic) return PS_OK;
    c->synthetic_prices = PS_SYNTH_LOGIC;
    if (!s[5]) return PS_OK;
    char *end;
    errno = 0;
    c->logic_high = strtod(s + 6, &end);
    const char *low = end + 1;
    int ok = end != s + 6 && *end == ':';
    if (ok) c->logic_low = strtod(low, &end);
    if (!ok || end == low || *end || errno || !isfinite(c->logic_high) || !isfinite(c->logic_low))
        return ps_error_set(err, "--prices: '%s' is not logic or logic:HIGH:LOW", s);
    return PS_OK;
}

/* The words of the contract options, indexed by their enum values (config.h). */
static const char *const REWARD_WORDS[] = {"reference", "newest", "cost", "cost-at-launch"};
static const char *const TIMING_WORDS[] = {"reference", "decision-hour"};
static const char *const HISTORY_WORDS[] = {"window-end", "consumed"};
static const char *const HARD_RESET_WORDS[] = {"off", "train", "eval"};
static const char *const HOURLY_WORDS[] = {"thin", "binomial"};
static const char *const GAP_WORDS[] = {"error", "fill"};

static int contract_to_spec(const ps_sim_flags *f, ps_config *cfg, const char **prices_path, int *fill_gaps,
                            ps_error *err) {
    ps_contract *c = &cfg->contract;
    *c = f->cluster.contract;
    int logic;
#define PS_CHOICE(flag, value, words, out) choice(flag, value, words, PS_COUNT(words), out, err) != PS_OK
    if (PS_CHOICE("--reward", f->reward, REWARD_WORDS, &c->reward) ||
        PS_CHOICE("--price-timing", f->price_timing, TIMING_WORDS, &c->price_timing) ||
        PS_CHOICE("--price-history", f->price_history, HISTORY_WORDS, &c->price_history) ||
        PS_CHOICE("--hard-reset", f->hard_reset, HARD_RESET_WORDS, &c->hard_reset) ||
        PS_CHOICE("--hourly-scale", f->hourly_scale, HOURLY_WORDS, &c->hourly_binomial) ||
        PS_CHOICE("--price-gaps", f->price_gaps, GAP_WORDS, fill_gaps) ||
        logic_prices(f->prices, c, &logic, err) != PS_OK)
        return PS_ERR;
#undef PS_CHOICE
    if (c->wait_cost > 0 && c->reward != PS_REWARD_COST && c->reward != PS_REWARD_COST_AT_LAUNCH)
        return ps_error_set(err, "--wait-cost needs --reward cost or cost-at-launch");
    *prices_path = logic ? "" : f->prices;
    return PS_OK;
}

int ps_sim_flags_to_spec(ps_sim_flags *f, ps_scenario_spec *spec, FILE *warn, ps_error *err) {
    *spec = ps_scenario_spec_default();
    int gen;
    if (ps_wg_flags_build(&f->wg, &spec->cfg, &f->generator, &gen, err) != PS_OK) return PS_ERR;
    spec->workload.generator = gen ? &f->generator : NULL;
    spec->workload.hourly_path = f->hourly_jobs;
    if (*f->jobs && *f->jobs_swf) return ps_error_set(err, "--jobs and --jobs-swf: give one of them");
    if (f->exact_replay && !*ps_sim_flags_jobs(f)) return ps_error_set(err, "--jobs-exact-replay requires --jobs");
    if (f->exact_replay_aggregate && !f->exact_replay)
        return ps_error_set(err, "--jobs-exact-replay-aggregate requires --jobs-exact-replay");
    if (!isfinite(f->arrival_scale) || f->arrival_scale < 0)
        return ps_error_set(err, "--job-arrival-scale: must be finite and >= 0");
    if (f->cluster.cost_used_w < f->cluster.cost_idle_w)
        return ps_error_set(err, "--node-busy-watts %g is below --node-idle-watts %g", f->cluster.cost_used_w,
                            f->cluster.cost_idle_w);
    spec->cfg.cost_idle_w = f->cluster.cost_idle_w;
    spec->cfg.cost_used_w = f->cluster.cost_used_w;
    spec->cfg.node_off_w = f->cluster.node_off_w;
    spec->cfg.node_boot_kwh = f->cluster.node_boot_kwh;
    spec->cfg.node_shutdown_kwh = f->cluster.node_shutdown_kwh;
    spec->cfg.node_boot_hours = f->cluster.node_boot_hours;
    spec->cfg.guard_max_wait = f->cluster.guard_max_wait;
    spec->cfg.hold_price = f->cluster.hold_price;
    if (contract_to_spec(f, &spec->cfg, &spec->prices_path, &spec->price_options.fill_gaps, err) != PS_OK) return PS_ERR;
    spec->price_options.column = f->price_column;
    if (*f->price_rows && parse_rows(f->price_rows, &spec->price_first, &spec->price_last, err) != PS_OK) return PS_ERR;
    spec->weights = f->weights;
    spec->seed = f->seed;
    spec->workload.jobs_path = ps_sim_flags_jobs(f);
    spec->workload.jobs_swf = *f->jobs_swf != 0;
    spec->workload.swf_cores_per_node = f->swf_cores_per_node;
    spec->workload.durations_path = f->job_durations;
    spec->workload.arrival_scale = f->arrival_scale;
    spec->workload.replay_mode = !f->exact_replay ? PS_REPLAY_TEMPLATES
                                 : f->exact_replay_aggregate ? PS_REPLAY_EXACT_AGGREGATE
                                                             : PS_REPLAY_EXACT;
    if (warn) {
        char notes[4][160];
        ps_source_kind kind;
        int n = ps_workload_resolve(&spec->workload, &kind, notes);
        for (int i = 0; i < n; i++) fprintf(warn, "warning: %s\n", notes[i]);
        if (gen && f->arrival_scale != 1.0)
            fprintf(warn, "warning: --job-arrival-scale is forced to 1.0 with --workload-gen (the prototype's rule)\n");
    }
    return PS_OK;
}

/* What the price reader did beyond one row per hour. */
static void print_price_report(FILE *fp, const ps_price_report *r) {
    if (r->rows_per_hour > 1)
        fprintf(fp, "Price file: %zu rows, up to %d per hour, averaged to hourly prices\n", r->rows, r->rows_per_hour);
    if (r->filled || r->duplicates)
        fprintf(fp, "Price file: %zu empty hours given the previous price, %zu repeated times left out (--price-gaps fill)\n",
                r->filled, r->duplicates);
    if (r->irregular)
        fprintf(fp, "warning: the price file has one row per hour but %zu steps are not 1 h (the first at line or entry %ld): "
                    "rows are read in order as hours\n", r->irregular, r->first_irregular);
}

/* Which job source runs, from which file, and what its reader left out. */
static void print_workload(FILE *fp, const ps_workload *w, const ps_sim_flags *f) {
    if (w->kind == PS_SOURCE_JOBS_SAMPLER) {
        fprintf(fp, "Loading jobs from %s\n", ps_sim_flags_jobs(f));
        fprintf(fp, "Parsed jobs for %d hours (%d jobs)\n", w->jobs.n_bins, w->jobs.log.n);
        fprintf(fp, "Jobs replay mode: %s\n", ps_workload_describe(w));
        fprintf(fp, "Max raw jobs per hour: %d\n", w->jobs.max_raw_per_bin);
        long skipped = w->jobs.log.steps_skipped + w->jobs.log.never_ran;
        if (skipped) fprintf(fp, "Job log rows left out: %ld (job steps, or SWF jobs that never ran)\n", skipped);
    } else if (w->kind == PS_SOURCE_HOURLY) {
        fprintf(fp, "Hourly sampler from %s: %d dates, %d templates\n", f->hourly_jobs, w->hourly.n_dates,
                w->hourly.tpl_start[24]);
        if (w->hourly.skipped) fprintf(fp, "Job log rows left out: %ld (job steps, or SWF jobs that never ran)\n", w->hourly.skipped);
    } else {
        fprintf(fp, "Job source: %s\n", ps_workload_describe(w));
    }
}

void ps_sim_print_setup(FILE *fp, const ps_scenario *sc, const ps_sim_flags *f) {
    const ps_workload *w = &sc->workload;
    print_workload(fp, w, f);
    fprintf(fp, "Job arrival scale: %.3fx\n", w->arrival_scale);
    double sum = 0;
    fprintf(fp, "Weights:");
    for (int k = 0; k < PS_N_WEIGHTS; k++) {
        sum += ps_weight_get(&sc->weights, k);
        fprintf(fp, "%s %s=%g", k ? "," : "", ps_weight_fields[k].name, ps_weight_get(&sc->weights, k));
    }
    fprintf(fp, ". sum=%.2f\n", sum);
    ps_prices prices;
    ps_price_stats st;
    ps_error err;
    if (ps_prices_init_contract(&prices, sc->prices, sc->n_prices, &sc->cfg.contract, &err) != PS_OK) return;
    ps_prices_stats(&prices, &st);
    char model[96];
    if (prices.logic) snprintf(model, sizeof model, "logic price %g for 12 h then %g", prices.logic_high, prices.logic_low);
    else snprintf(model, sizeof model, "%s", sc->prices ? "external series" : "daily sinusoid");
    fprintf(fp, "Prices: %s, %s; normalisation MIN_PRICE %.2f, MAX_PRICE %.2f\n", sc->prices ? f->prices : "synthetic",
            model, prices.min_price, prices.max_price);
    if (sc->prices && *sc->prices_path) print_price_report(fp, &sc->price_report);
    if (sc->prices)
        fprintf(fp, "Price rows: %lld..%lld of the file (%zu hours)\n", sc->price_first, sc->price_last, sc->n_prices);
    const ps_contract *k = &sc->cfg.contract;
    if (k->reward || k->flush_after_drop_streak || k->price_timing || k->price_history || k->hard_reset ||
        k->hourly_binomial)
        fprintf(fp, "Training contract: reward %s, flush after drop streak %d, price timing %s, price history %s, "
                    "hard reset %s, hourly scale %s\n",
                REWARD_WORDS[k->reward], k->flush_after_drop_streak, TIMING_WORDS[k->price_timing],
                HISTORY_WORDS[k->price_history], HARD_RESET_WORDS[k->hard_reset], HOURLY_WORDS[k->hourly_binomial]);
    fprintf(fp, "Price statistics: min %.2f, max %.2f, mean %.4f, median %.2f, std %.4f, p1 %.4f, p99 %.4f\n",
            st.min, st.max, st.mean, st.median, st.std, st.p1, st.p99);
}
