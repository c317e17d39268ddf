/* test_sweep - train_iter's weight grid (spec 12.8). */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "powersched/sweep.h"

static int same(const ps_weight_combo *c, double e, double p, double i, double a, double d) {
    double w[5] = {e, p, i, a, d};
    for (int k = 0; k < 5; k++)
        if (fabs(c->w[k] - w[k]) > 1e-12 || signbit(c->w[k])) return 0;
    return 1;
}

int main(void) {
    ps_weight_combo *g;
    int n;
    ps_error err;
    /* step 0.1, nothing fixed: 1001 combinations from (0,0,0,0,1) to (1,0,0,0,0) */
    CHECK(ps_sweep_grid(0.1, NULL, NULL, 0, &g, &n, &err) == PS_OK);
    CHECK_INT(n, 1001);
    CHECK(same(&g[0], 0, 0, 0, 0, 1));
    CHECK(same(&g[1], 0, 0, 0, 0.1, 0.9));
    CHECK(same(&g[n - 1], 1, 0, 0, 0, 0));
    int bad_sum = 0, neg_zero = 0;
    for (int k = 0; k < n; k++) {
        double s = 0;
        for (int i = 0; i < 5; i++) {
            s += g[k].w[i];
            neg_zero += signbit(g[k].w[i]) != 0;
        }
        bad_sum += fabs(s - 1) > 1e-9;
    }
    CHECK_INT(bad_sum, 0);
    CHECK_INT(neg_zero, 0); /* no "-0.0" drop weights */
    free(g);
    /* step 0.5: C(4+4, 4) = 70 compositions of 2 halves over... count by hand:
     * (e,p,i,a) in {0,.5,1}^4 with sum <= 1: 1 + 4 + (4 + 6) = 15 */
    CHECK(ps_sweep_grid(0.5, NULL, NULL, 0, &g, &n, &err) == PS_OK);
    CHECK_INT(n, 15);
    free(g);
    /* fixed idle and drop at 0: efficiency and price over g, job-age the rest */
    int fx[2] = {ps_weight_index("idle"), ps_weight_index("drop")};
    double fv[2] = {0, 0};
    CHECK(ps_sweep_grid(0.1, fx, fv, 2, &g, &n, &err) == PS_OK);
    CHECK_INT(n, 66); /* e + p <= 1 on an 11-point grid: 11 * 12 / 2 */
    CHECK(same(&g[0], 0, 0, 0, 1, 0));
    CHECK(same(&g[n - 1], 1, 0, 0, 0, 0));
    free(g);
    /* non-divisor step: g = {0, 1/3, 2/3, 1}, weights rounded to 2 decimals */
    int fx3[3] = {2, 3, 4};
    double fv3[3] = {0, 0, 0};
    CHECK(ps_sweep_grid(0.3, fx3, fv3, 3, &g, &n, &err) == PS_OK);
    CHECK_INT(n, 4);
    CHECK(same(&g[1], 0.33, 0.67, 0, 0, 0));
    free(g);
    /* all five fixed: kept only when they sum to 1 */
    int all[5] = {0, 1, 2, 3, 4};
    double ok[5] = {0.3, 0.5, 0, 0.2, 0}, no[5] = {0.3, 0.5, 0, 0.1, 0};
    CHECK(ps_sweep_grid(0.1, all, ok, 5, &g, &n, &err) == PS_OK);
    CHECK_INT(n, 1);
    free(g);
    CHECK(ps_sweep_grid(0.1, all, no, 5, &g, &n, &err) == PS_OK);
    CHECK_INT(n, 0);
    free(g);
    /* bad input */
    double big[2] = {0.7, 0.6};
    CHECK(ps_sweep_grid(0.1, fx, big, 2, &g, &n, &err) == PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "sum to");
    CHECK(ps_sweep_grid(0, NULL, NULL, 0, &g, &n, &err) == PS_ERR);
    CHECK_INT(ps_weight_index("job-age"), 3);
    CHECK_INT(ps_weight_index("job_age"), 3);
    CHECK_INT(ps_weight_index("job"), -1);
    CHECK_INT(ps_weight_index("bogus"), -1);
    CHECK(ps_round2(-0.001) == 0 && !signbit(ps_round2(-0.001)));
    return check_summary("test_sweep");
}
