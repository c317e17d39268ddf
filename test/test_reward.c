/* test_reward.c - the energy model (spec 5.1) and the reward components and
 * reference points of spec 5.3, against the spec's oracle values. */
#include <stdint.h>

#include "check.h"
#include "powersched/reward.h"

/* The 2023 CSV's normalisation bounds (spec 7.2). */
#define MIN_2023 (-5.23560001373291)
#define MAX_2023 207.9815019226074
#define TOL 1e-6

static ps_reward_out run(const ps_config *c, const ps_weights *w, double lo, double hi, ps_reward_in in) {
    ps_reward_out o;
    memset(&o, 0x55, sizeof o); /* every field must be written */
    ps_reward_compute(c, w, lo, hi, &in, &o);
    return o;
}

/* A full-size cluster state: `on` nodes powered, u cores used. */
static ps_reward_in state(const ps_config *c, int on, int used, int64_t u) {
    ps_reward_in in;
    memset(&in, 0, sizeof in);
    in.on = on;
    in.used = used;
    in.idle = on - used;
    in.off = c->max_nodes - on;
    in.used_cores = u;
    in.price = 50;
    in.context_price = 50;
    return in;
}

static void test_power(void) {
    ps_config c = ps_config_default();
    CHECK_NEAR(ps_power_mwh(&c, 335, 0), 0.05025, 1e-15);
    CHECK_NEAR(ps_power_mwh(&c, 335, 32160), 0.15075, 1e-15);
    CHECK(ps_power_mwh(&c, 0, 0) == 0.0);
    /* affine per core: one node half used draws 150 W + 150 W */
    CHECK_NEAR(ps_power_mwh(&c, 1, 48), 0.0003, 1e-15);
    /* a busy node is not charged 450 W: only its used-core fraction */
    CHECK_NEAR(ps_power_mwh(&c, 2, 1), 0.0003 + 0.0003 / 96, 1e-15);
    /* evaluation order of spec 5.1, bit for bit */
    CHECK(ps_power_mwh(&c, 335, 9600) == 335 * (150 / 1e6) + ((450 / 1e6 - 150 / 1e6) * 9600.0) / 96);
    /* 24 episodes of an idle always-on cluster: 405.216 MWh (spec 1) */
    double year = 0;
    for (int t = 0; t < 8064; t++) year += ps_power_mwh(&c, 335, 0);
    CHECK_NEAR(year, 405.216, 1e-6);

    /* step cost = P x price, negative prices give revenue */
    ps_weights w = ps_weights_default();
    ps_reward_in in = state(&c, 335, 0, 0);
    in.price = 100;
    CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, in).step_cost, 5.025, 1e-12);
    in.price = -10;
    CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, in).step_cost, -0.5025, 1e-12);
    in = state(&c, 335, 335, 32160);
    in.price = 80;
    CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, in).step_cost, 0.15075 * 80, 1e-12);
}

static void test_efficiency(void) {
    ps_config c = ps_config_default();
    ps_weights w = ps_weights_default();
    /* f = U / (96 * on) on the full cluster and on a 4-node one */
    const double f[5] = {0, 0.25, 0.5, 0.75, 1};
    const double want[5] = {-0.998178, -0.761594, 0.244919, 0.761594, 0.905148};
    for (int k = 0; k < 5; k++) {
        int64_t u = (int64_t)(f[k] * 96 * 335); /* 0, 8040, 16080, 24120, 32160: exact */
        ps_reward_out o = run(&c, &w, MIN_2023, MAX_2023, state(&c, 335, u > 0 ? 335 : 0, u));
        CHECK_NEAR(o.efficiency, want[k], TOL);
        o = run(&c, &w, MIN_2023, MAX_2023, state(&c, 4, u > 0 ? 4 : 0, (int64_t)(f[k] * 96 * 4)));
        CHECK_NEAR(o.efficiency, want[k], TOL);
    }
    /* E > 0 exactly above f = 0.4375 (16 nodes: 672 cores) */
    CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, state(&c, 16, 16, 672)).efficiency, 0.0, 1e-12);
    CHECK(run(&c, &w, MIN_2023, MAX_2023, state(&c, 16, 16, 673)).efficiency > 0);
    CHECK(run(&c, &w, MIN_2023, MAX_2023, state(&c, 16, 16, 671)).efficiency < 0);
    /* E depends on the powered fraction only, not on the cluster size */
    CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, state(&c, 10, 10, 480)).efficiency,
               run(&c, &w, MIN_2023, MAX_2023, state(&c, 300, 300, 14400)).efficiency, 1e-12);
}

static void test_blackout(void) {
    ps_config c = ps_config_default();
    ps_weights w = ps_weights_default();
    ps_reward_in in = state(&c, 0, 0, 0);
    const int n[4] = {1, 5, 10, 20};
    const double want[4] = {-0.181269, -0.632121, -0.864665, -0.981684};
    for (int k = 0; k < 4; k++) {
        in.unprocessed = n[k];
        CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, in).efficiency, want[k], TOL);
    }
    in.unprocessed = 1000; /* clipped at -1 */
    CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, in).efficiency, -1.0, 1e-12);
    in.unprocessed = 0; /* correct blackout */
    CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, in).efficiency, 1.0, 1e-15);
    /* no blackout term while any node is on, even with pending work */
    ps_reward_in on1 = state(&c, 1, 0, 0);
    on1.unprocessed = 0;
    CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, on1).efficiency, -0.998178, TOL);
    on1.unprocessed = 20;
    CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, on1).efficiency, -0.998178, TOL);
}

static void test_price_component(void) {
    ps_config c = ps_config_default();
    ps_weights w = ps_weights_default();
    struct { double price, ctx; int64_t u; double want; } cases[] = {
        {80, 100, 9600, 0.277791},   {120, 100, 9600, -0.331405}, {80, 100, 32160, 0.355803},
        {-10, 50, 9600, 1.5},        /* overdrive, capped */
        {-10, -10, 96, 0.122966},    /* no advantage: the negative-price bonus 2.5*o alone */
        {-1, -100, 96, 0.00283512},  /* tanh(raw) + 2.5*o below the floor 0.35*o */
        {100, 100, 9600, 0.0},       /* price == ctx */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        ps_reward_in in = state(&c, 335, 100, cases[k].u);
        in.price = cases[k].price;
        in.context_price = cases[k].ctx;
        CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, in).price, cases[k].want, TOL);
    }
    /* no used cores: 0, whatever the prices */
    ps_reward_in in = state(&c, 335, 0, 0);
    in.price = -10;
    in.context_price = 200;
    CHECK(run(&c, &w, MIN_2023, MAX_2023, in).price == 0.0);
    /* the component is bounded to [-1, 1.5] */
    in = state(&c, 335, 335, 32160);
    in.price = 500;
    in.context_price = -500;
    double r = run(&c, &w, MIN_2023, MAX_2023, in).price;
    CHECK(r >= -1.0 && r < -0.99);
    in.price = -500;
    in.context_price = 500;
    CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, in).price, 1.5, 1e-15);
    /* span floor 1e-6: equal bounds do not divide by zero */
    in = state(&c, 335, 100, 9600);
    in.price = 20;
    in.context_price = 21;
    r = run(&c, &w, 16, 16, in).price;
    CHECK(r > 0.99 && r <= 1.0);
    /* the synthetic bounds 16/24 (span 8): a = (21-20)/8, adv = 0.5, load = 1-exp(-100/70) */
    CHECK_NEAR(run(&c, &w, 16, 24, in).price, tanh(0.5 * (1 - exp(-100.0 / 70))), 1e-12);
}

static void test_idle_age_drop(void) {
    ps_config c = ps_config_default();
    ps_weights w = ps_weights_default();
    /* idle = -idle/335 */
    CHECK(run(&c, &w, MIN_2023, MAX_2023, state(&c, 335, 335, 100)).idle == 0.0);
    CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, state(&c, 335, 0, 0)).idle, -1.0, 1e-15);
    CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, state(&c, 335, 268, 5000)).idle, -67.0 / 335, 1e-15);
    CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, state(&c, 100, 1, 5)).idle, -99.0 / 335, 1e-15);
    /* a 4-node cluster normalises by its own size */
    ps_config small = c;
    small.max_nodes = 4;
    CHECK_NEAR(run(&small, &w, MIN_2023, MAX_2023, state(&small, 4, 3, 10)).idle, -0.25, 1e-15);

    /* job age: only while some node is off */
    const int m[5] = {1, 24, 84, 168, 1000};
    const double want[5] = {-0.013686, -0.287421, -0.731059, -1.0, -1.0};
    for (int k = 0; k < 5; k++) {
        ps_reward_in in = state(&c, 334, 0, 0);
        in.max_queue_age = m[k];
        CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, in).job_age, want[k], TOL);
        in = state(&c, 335, 0, 0); /* no node off */
        in.max_queue_age = m[k];
        CHECK(run(&c, &w, MIN_2023, MAX_2023, in).job_age == 0.0);
    }
    ps_reward_in in = state(&c, 0, 0, 0);
    in.max_queue_age = 0; /* nodes off but nothing waiting */
    CHECK(run(&c, &w, MIN_2023, MAX_2023, in).job_age == 0.0);

    /* drop: -5 per job, unbounded below */
    in = state(&c, 335, 0, 0);
    in.dropped = 0;
    CHECK(run(&c, &w, MIN_2023, MAX_2023, in).drop == 0.0);
    in.dropped = 3;
    CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, in).drop, -15.0, 1e-15);
    in.dropped = 1000;
    CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, in).drop, -5000.0, 1e-12);
}

static void test_totals(void) {
    ps_config c = ps_config_default();
    ps_weights w = ps_weights_default();
    /* the reference points of spec 5.3 with the default weights */
    ps_reward_in in = state(&c, 335, 0, 0);
    CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, in).total, -0.798725, TOL);
    in = state(&c, 0, 0, 0);
    in.unprocessed = 0;
    CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, in).total, 0.7, 1e-12);
    in.unprocessed = 10;
    in.max_queue_age = 200; /* job-age weight is 0 by default */
    CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, in).total, -0.605265, TOL);
    in = state(&c, 335, 335, 32160);
    in.price = in.context_price = 97.5;
    CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, in).total, 0.633604, TOL);
    /* the default drop weight is 0: drops do not enter the total */
    in.dropped = 7;
    CHECK_NEAR(run(&c, &w, MIN_2023, MAX_2023, in).total, 0.633604, TOL);

    /* weights are used as given (no normalisation) and each multiplies its own part */
    ps_weights w2 = {.efficiency = 0.5, .price = 0.3, .idle = 0.2, .job_age = 0.4, .drop = 0.05};
    in = state(&c, 200, 120, 9000);
    in.price = 70;
    in.context_price = 90;
    in.max_queue_age = 30;
    in.dropped = 2;
    in.unprocessed = 50;
    ps_reward_out o = run(&c, &w2, MIN_2023, MAX_2023, in);
    CHECK(o.job_age < 0 && o.price > 0 && o.idle < 0 && o.drop == -10.0);
    CHECK_NEAR(o.total, 0.5 * o.efficiency + 0.3 * o.price + 0.4 * o.job_age + 0.2 * o.idle + 0.05 * o.drop, 1e-12);
    ps_weights w3 = {2, 2, 2, 2, 2};
    ps_reward_out o3 = run(&c, &w3, MIN_2023, MAX_2023, in);
    CHECK_NEAR(o3.total, 2 * (o.efficiency + o.price + o.job_age + o.idle + o.drop), 1e-12);
    ps_weights w0 = {0, 0, 0, 0, 0};
    CHECK(run(&c, &w0, MIN_2023, MAX_2023, in).total == 0.0);
    /* the efficiency part reported includes the blackout term: E' = B when all off */
    in = state(&c, 0, 0, 0);
    in.unprocessed = 5;
    ps_weights only_eff = {1, 0, 0, 0, 0};
    CHECK_NEAR(run(&c, &only_eff, MIN_2023, MAX_2023, in).total, -0.632121, TOL);
}

int main(void) {
    test_power();
    test_efficiency();
    test_blackout();
    test_price_component();
    test_idle_age_drop();
    test_totals();
    return check_summary("test_reward");
}
