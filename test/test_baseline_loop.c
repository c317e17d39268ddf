/* test_baseline_loop - the baseline's greedy refill loop (spec 6.2 step 7)
 * against the agent's at most two passes (spec 2.6 steps 11-12, 6.3), on a
 * 2-node x 4-core cluster with a 2-slot queue fed by a jobs log we write. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "powersched/scenario.h"
#include "powersched/env.h"

static void write_log(const char *path, const char *rows) {
    FILE *f = fopen(path, "w");
    fprintf(f, "JobID User Partition Submit Start End ElapsedRaw NCPUS NNodes\n---- ---- ---- ----\n%s", rows);
    fclose(f);
}

static int make_env(ps_env *env, const char *log) {
    ps_scenario_spec s = ps_scenario_spec_default();
    s.cfg.max_nodes = 2;
    s.cfg.cores_per_node = 4;
    s.cfg.max_cores_per_job = 4;
    s.cfg.max_queue_size = 2;
    s.cfg.max_backlog_size = 10;
    s.workload.jobs_path = log;
    s.workload.replay_mode = PS_REPLAY_EXACT;
    ps_error err;
    if (ps_env_open(env, &s, NULL, &err) != PS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    ps_env_reset(env, NULL, -1, NULL);
    return 0;
}

int main(void) {
    char log[] = "/tmp/ps_loop_XXXXXX";
    int fd = mkstemp(log);
    close(fd);
    /* Hour 0: six 1-node x 1-core jobs of 30 min (1 h). Hour 1: nothing. */
    write_log(log, "1 u p 2025-01-01T00:01:00 a b 1800 1 1\n2 u p 2025-01-01T00:02:00 a b 1800 1 1\n"
                   "3 u p 2025-01-01T00:03:00 a b 1800 1 1\n4 u p 2025-01-01T00:04:00 a b 1800 1 1\n"
                   "5 u p 2025-01-01T00:05:00 a b 1800 1 1\n6 u p 2025-01-01T00:06:00 a b 1800 1 1\n");
    ps_env env;
    ps_step_info in;
    ps_error err;

    /* Without refill the agent schedules once: the 2 queued jobs. The baseline
     * loops refill + schedule until the backlog is empty: all 6. */
    if (make_env(&env, log) != 0) return 1;
    CHECK(ps_env_step(&env, (ps_action){1, 0, 0, 0}, NULL, &in, &err) == PS_OK);
    CHECK_INT(in.new_jobs, 6);
    CHECK_INT(in.agent_launched, 2);
    CHECK_INT(env.agent.bl_len, 4);
    CHECK_INT(env.baseline.n_running, 6);
    CHECK_INT(env.baseline.bl_len, 0);
    CHECK_INT(in.baseline_used_cores, 6);
    CHECK_INT(env.next_job_id, 8); /* one counter: agent's 2 launches, then the baseline's 6 */
    ps_env_free(&env);

    /* With refill the agent gets exactly one more pass: 2 + 2 jobs. */
    if (make_env(&env, log) != 0) return 1;
    CHECK(ps_env_step(&env, (ps_action){1, 0, 1, 0}, NULL, &in, &err) == PS_OK);
    CHECK_INT(in.agent_launched, 4);
    CHECK_INT(env.agent.bl_len, 2);
    CHECK_INT(in.used_cores, 4);
    ps_env_free(&env);

    /* A first pass that launches nothing means no refill in that step: two
     * 3-node jobs (never fit on 2 nodes) hold the queue, the backlog waits. */
    write_log(log, "1 u p 2025-01-01T00:01:00 a b 1800 3 3\n2 u p 2025-01-01T00:02:00 a b 1800 3 3\n"
                   "3 u p 2025-01-01T00:03:00 a b 1800 1 1\n4 u p 2025-01-01T00:04:00 a b 1800 1 1\n");
    if (make_env(&env, log) != 0) return 1;
    CHECK(ps_env_step(&env, (ps_action){1, 0, 1, 0}, NULL, &in, &err) == PS_OK);
    CHECK_INT(env.baseline.n_running, 0);
    CHECK_INT(env.baseline.bl_len, 2);
    CHECK_INT(env.baseline.n_active, 2);
    CHECK_INT(in.agent_launched, 0);
    CHECK(ps_env_check_invariants(&env, &err) == PS_OK);
    ps_env_free(&env);
    unlink(log);
    return check_summary("test_baseline_loop");
}
