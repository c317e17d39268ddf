/* test_cluster.c - one cluster side on tiny configurations, scenarios computed
 * by hand: arrivals and overflow (spec 3.1), aging (3.2, 3.3), refill (3.4),
 * first-fit with backfilling (3.5), completions (3.6, 14.2), node switching (4). */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "powersched/cluster.h"

static ps_config tiny(int nodes, int cores, int queue, int backlog) {
    ps_config c = ps_config_default();
    c.max_nodes = nodes;
    c.cores_per_node = cores;
    c.max_queue_size = queue;
    c.max_backlog_size = backlog;
    c.max_cores_per_job = cores;
    return c;
}

static ps_job J(int d, int n, int c) {
    ps_job j = {d, 0, n, c};
    return j;
}

static int job_eq(ps_job a, int d, int age, int n, int c) {
    return a.duration == d && a.age == age && a.nodes == n && a.cores == c;
}

/* The side's own counters agree with its node arrays. */
static int consistent(const ps_side *s) {
    const ps_config *c = s->cfg;
    int on = 0, sum = 0;
    for (int i = 0; i < c->max_nodes; i++) {
        if (s->nodes[i] == -1) {
            if (s->cores[i] != 0) return 0;
            continue;
        }
        if (s->nodes[i] < 0 || s->cores[i] < 0 || s->cores[i] > c->cores_per_node) return 0;
        if (s->nodes[i] == 0 && s->cores[i] != c->cores_per_node) return 0;
        on++;
        sum += s->cores[i];
    }
    if (on != s->on || sum != s->sum_free_cores) return 0;
    for (int k = 0; k <= c->cores_per_node; k++) {
        int cnt = 0;
        for (int i = 0; i < c->max_nodes; i++) cnt += s->nodes[i] >= 0 && s->cores[i] >= k;
        if (cnt != s->cnt_ge[k]) return 0;
    }
    int empty = -1, active = 0;
    for (int q = 0; q < c->max_queue_size; q++) {
        if (s->queue[q].duration == 0 && empty < 0) empty = q;
        active += s->queue[q].duration != 0;
    }
    if (active != s->n_active) return 0;
    return s->next_empty == (empty < 0 ? c->max_queue_size : empty);
}

static void check_nodes(const ps_side *s, const int *want_nodes, const int *want_cores) {
    for (int i = 0; i < s->cfg->max_nodes; i++) {
        CHECK_INT(s->nodes[i], want_nodes[i]);
        CHECK_INT(s->cores[i], want_cores[i]);
    }
}

/* ------------------------------------------------ arrivals, overflow (3.1) */

static void test_add_jobs(void) {
    ps_config cfg = tiny(4, 8, 4, 3);
    ps_side s;
    ps_error err = {{0}};
    CHECK_INT(ps_side_init(&s, &cfg, &err), PS_OK);
    CHECK_INT(s.on, 4);
    CHECK_INT(s.next_empty, 0);
    ps_job a[3] = {J(1, 1, 1), J(2, 1, 2), J(3, 2, 3)};
    a[1].age = 9; /* arrivals always enter with age 0 */
    CHECK_INT(ps_side_add_jobs(&s, a, 3, 0), 0);
    CHECK(job_eq(s.queue[0], 1, 0, 1, 1));
    CHECK(job_eq(s.queue[1], 2, 0, 1, 2));
    CHECK(job_eq(s.queue[2], 3, 0, 2, 3));
    CHECK(job_eq(s.queue[3], 0, 0, 0, 0));
    CHECK_INT(s.next_empty, 3);
    CHECK_INT(s.n_active, 3);
    CHECK_INT(s.bl_len, 0);
    CHECK_INT(s.pending.count, 3);
    CHECK_INT(s.pending.sum_duration, 6);
    CHECK_INT(s.pending.core_hours, 1 + 4 + 18);
    CHECK_INT(ps_pending_max_nodes(&s.pending), 2);

    /* the queue fills, the rest overflows to the backlog in order */
    ps_job b[3] = {J(4, 3, 1), J(5, 1, 1), J(6, 1, 2)};
    CHECK_INT(ps_side_add_jobs(&s, b, 3, 2), 0);
    CHECK(job_eq(s.queue[3], 4, 0, 3, 1));
    CHECK_INT(s.next_empty, 4);
    CHECK_INT(s.bl_len, 2);
    CHECK_INT(s.pending.count, 6);
    CHECK_INT(ps_pending_max_nodes(&s.pending), 3);

    /* backlog capacity 3: one more fits, the next is rejected (not pending) */
    ps_job c[2] = {J(7, 1, 1), J(8, 4, 8)};
    CHECK_INT(ps_side_add_jobs(&s, c, 2, 3), 1);
    CHECK_INT(s.bl_len, 3);
    CHECK_INT(s.pending.count, 7);
    CHECK_INT(s.pending.core_hours, 23 + 12 + 5 + 12 + 7);
    CHECK_INT(s.pending.sum_duration, 6 + 4 + 5 + 6 + 7);
    CHECK_INT(ps_pending_max_nodes(&s.pending), 3);
    CHECK(job_eq(ps_side_backlog_at(&s, 0, 5), 5, 3, 1, 1));
    CHECK(job_eq(ps_side_backlog_at(&s, 1, 5), 6, 3, 1, 2));
    CHECK(job_eq(ps_side_backlog_at(&s, 2, 5), 7, 2, 1, 1));
    CHECK_INT(ps_side_add_jobs(&s, c, 2, 4), 2);
    CHECK_INT(ps_side_add_jobs(&s, a, 3, 4), 3);
    CHECK_INT(s.pending.count, 7);
    CHECK(consistent(&s));
    ps_side_free(&s);
}

/* ------------------------------------------------ slot reuse, next_empty */

static void test_slot_reuse(void) {
    ps_config cfg = tiny(4, 8, 4, 3);
    ps_side s;
    ps_error err = {{0}};
    CHECK_INT(ps_side_init(&s, &cfg, &err), PS_OK);
    /* A and D need 5 nodes of 4: they never fit */
    ps_job a[4] = {J(1, 5, 1), J(1, 1, 1), J(1, 1, 1), J(1, 5, 1)};
    CHECK_INT(ps_side_add_jobs(&s, a, 4, 0), 0);
    CHECK_INT(s.next_empty, 4);
    int64_t id = 0;
    CHECK_INT(ps_side_schedule(&s, 0, 0, &id), 2);
    CHECK_INT(id, 2);
    CHECK_INT(s.next_empty, 1);
    CHECK_INT(s.n_active, 2);
    CHECK(job_eq(s.queue[1], 0, 0, 0, 0));
    CHECK(job_eq(s.queue[2], 0, 0, 0, 0));
    /* slots are not compacted: new jobs take the lowest empty slot */
    ps_job e = J(2, 5, 1), f = J(3, 5, 1), g = J(4, 1, 1);
    CHECK_INT(ps_side_add_jobs(&s, &e, 1, 1), 0);
    CHECK(job_eq(s.queue[1], 2, 0, 5, 1));
    CHECK_INT(s.next_empty, 2);
    CHECK_INT(ps_side_add_jobs(&s, &f, 1, 1), 0);
    CHECK(job_eq(s.queue[2], 3, 0, 5, 1));
    CHECK_INT(s.next_empty, 4); /* skips the occupied slot 3 */
    CHECK_INT(ps_side_add_jobs(&s, &g, 1, 1), 0);
    CHECK_INT(s.bl_len, 1);
    CHECK(consistent(&s));
    ps_side_free(&s);
}

/* ------------------------------------------------------ aging (3.2, 3.3) */

static void test_queue_aging(void) {
    ps_config cfg = tiny(4, 8, 4, 3);
    ps_side s;
    ps_error err = {{0}};
    CHECK_INT(ps_side_init(&s, &cfg, &err), PS_OK);
    /* a job can still launch at age 336 */
    ps_job x = J(1, 1, 8);
    ps_side_add_jobs(&s, &x, 1, 0);
    int dropped = 0;
    for (int t = 1; t <= 336; t++) dropped += ps_side_age_queue(&s);
    CHECK_INT(dropped, 0);
    CHECK(job_eq(s.queue[0], 1, 336, 1, 8));
    CHECK_INT(ps_side_max_queue_age(&s), 336);
    int64_t id = 0;
    CHECK_INT(ps_side_schedule(&s, 336, 0, &id), 1);
    ps_completions done = ps_side_process_running(&s, 337);
    CHECK_INT(done.count, 1);
    CHECK_INT(done.wait, 336);

    /* ... and is dropped when its age would become 337 */
    ps_job y = J(2, 2, 2), z = J(3, 3, 3);
    ps_side_add_jobs(&s, &y, 1, 400);
    CHECK_INT(ps_side_age_queue(&s), 0);
    ps_side_add_jobs(&s, &z, 1, 401); /* one hour younger, slot 1 */
    for (int t = 0; t < 335; t++) dropped += ps_side_age_queue(&s);
    CHECK_INT(dropped, 0);
    CHECK(job_eq(s.queue[0], 2, 336, 2, 2));
    CHECK(job_eq(s.queue[1], 3, 335, 3, 3));
    CHECK_INT(ps_side_max_queue_age(&s), 336);
    CHECK_INT(ps_side_age_queue(&s), 1);
    CHECK(job_eq(s.queue[0], 0, 0, 0, 0));
    CHECK_INT(s.next_empty, 0);
    CHECK_INT(s.n_active, 1);
    CHECK_INT(s.pending.count, 1);
    CHECK_INT(s.pending.core_hours, 27);
    CHECK_INT(ps_pending_max_nodes(&s.pending), 3);
    CHECK_INT(ps_side_max_queue_age(&s), 336);
    CHECK_INT(ps_side_age_queue(&s), 1);
    CHECK_INT(s.n_active, 0);
    CHECK_INT(s.pending.count, 0);
    CHECK_INT(s.pending.core_hours, 0);
    CHECK_INT(ps_pending_max_nodes(&s.pending), 0);
    CHECK_INT(ps_side_max_queue_age(&s), 0);
    CHECK(consistent(&s));
    ps_side_free(&s);
}

static void test_backlog_aging(void) {
    ps_config cfg = tiny(4, 8, 4, 3);
    ps_side s;
    ps_error err = {{0}};
    CHECK_INT(ps_side_init(&s, &cfg, &err), PS_OK);
    ps_job q[4] = {J(1, 5, 1), J(1, 5, 1), J(1, 5, 1), J(1, 5, 1)};
    ps_side_add_jobs(&s, q, 4, 0);
    ps_job b1[2] = {J(11, 1, 1), J(12, 1, 2)}, b2 = J(13, 1, 3);
    ps_side_add_jobs(&s, b1, 2, 10);
    ps_side_add_jobs(&s, &b2, 1, 20);
    CHECK_INT(s.bl_len, 3);
    CHECK_INT(ps_side_age_backlog(&s, 346), 0); /* ages 336, 336, 326 */
    CHECK_INT(s.bl_len, 3);
    CHECK_INT(ps_side_age_backlog(&s, 347), 2); /* 337: dropped */
    CHECK_INT(s.bl_len, 1);
    CHECK(job_eq(ps_side_backlog_at(&s, 0, 347), 13, 327, 1, 3));
    CHECK_INT(s.pending.count, 5);
    CHECK_INT(s.pending.core_hours, 4 * 5 + 39);
    CHECK_INT(ps_side_age_backlog(&s, 356), 0);
    CHECK_INT(ps_side_age_backlog(&s, 357), 1);
    CHECK_INT(s.bl_len, 0);
    CHECK_INT(s.pending.count, 4);
    /* the ring wraps: capacity 3, five more records over time */
    ps_job r = J(5, 1, 1);
    for (int t = 400; t < 405; t++) {
        ps_side_age_backlog(&s, t);
        if (s.bl_len == 3) ps_side_age_backlog(&s, t + 1000); /* make room */
        CHECK_INT(ps_side_add_jobs(&s, &r, 1, t), 0);
    }
    CHECK_INT(s.bl_len, 2); /* 3 added, 3 dropped, 2 added: the ring has wrapped */
    CHECK(job_eq(ps_side_backlog_at(&s, 0, 404), 5, 1, 1, 1));
    CHECK(job_eq(ps_side_backlog_at(&s, 1, 404), 5, 0, 1, 1));
    CHECK(consistent(&s));
    ps_side_free(&s);
}

/* ------------------------------------------------------------ refill (3.4) */

static void test_refill(void) {
    ps_config cfg = tiny(4, 8, 4, 3);
    ps_side s;
    ps_error err = {{0}};
    CHECK_INT(ps_side_init(&s, &cfg, &err), PS_OK);
    ps_job q[4] = {J(1, 5, 1), J(1, 1, 1), J(1, 5, 1), J(1, 1, 1)};
    ps_side_add_jobs(&s, q, 4, 0);
    ps_job p = J(21, 1, 1), qq = J(22, 2, 2), r = J(23, 3, 3);
    ps_side_add_jobs(&s, &p, 1, 1);
    ps_side_add_jobs(&s, &qq, 1, 2);
    ps_side_add_jobs(&s, &r, 1, 3);
    CHECK_INT(ps_side_refill(&s, 5), 0); /* queue full: nothing moves */
    int64_t id = 0;
    CHECK_INT(ps_side_schedule(&s, 5, 0, &id), 2); /* frees slots 1 and 3 */
    int64_t pend = s.pending.count, ch = s.pending.core_hours;
    CHECK_INT(ps_side_refill(&s, 5), 2);
    /* the refilled slots are remembered as fresh */
    CHECK_INT(s.fresh[0], (1u << 1) | (1u << 3));
    CHECK(job_eq(s.queue[1], 21, 4, 1, 1));
    CHECK(job_eq(s.queue[3], 22, 3, 2, 2));
    CHECK_INT(s.next_empty, 4);
    CHECK_INT(s.bl_len, 1);
    CHECK(job_eq(ps_side_backlog_at(&s, 0, 5), 23, 2, 3, 3));
    CHECK_INT(s.pending.count, pend); /* still pending */
    CHECK_INT(s.pending.core_hours, ch);
    /* refilled rows age like any queue row */
    CHECK_INT(ps_side_age_queue(&s), 0);
    CHECK(job_eq(s.queue[1], 21, 5, 1, 1));
    CHECK(consistent(&s));
    ps_side_free(&s);
}

/* ------------------------------------- first fit, backfilling, sharing (3.5) */

static void test_first_fit(void) {
    ps_config cfg = tiny(4, 8, 8, 3);
    ps_side s;
    ps_error err = {{0}};
    CHECK_INT(ps_side_init(&s, &cfg, &err), PS_OK);
    ps_job q[5] = {J(5, 2, 6), J(4, 3, 4), J(3, 1, 2), J(7, 2, 2), J(1, 1, 8)};
    ps_side_add_jobs(&s, q, 5, 0);
    int64_t id = 100;
    /* J0 -> nodes 0,1; J1 (3 x 4 cores) finds only nodes 2,3 -> skipped;
     * J2 -> node 0 (shared); J3 -> nodes 1,2; J4 (8 cores) -> node 3 */
    CHECK_INT(ps_side_schedule(&s, 0, 0, &id), 4);
    CHECK_INT(id, 104);
    check_nodes(&s, (int[]){5, 7, 7, 1}, (int[]){0, 0, 6, 0});
    CHECK(job_eq(s.queue[1], 4, 0, 3, 4));
    CHECK_INT(s.n_active, 1);
    CHECK_INT(s.next_empty, 0);
    CHECK_INT(ps_side_used_nodes(&s), 4);
    CHECK_INT(ps_side_used_cores(&s), 26);
    CHECK_INT(s.n_running, 4);
    CHECK_INT(s.pending.count, 1);
    CHECK(consistent(&s));
    /* a second pass in the same hour starts nothing */
    CHECK_INT(ps_side_schedule(&s, 0, 0, &id), 0);

    ps_completions d = ps_side_process_running(&s, 1); /* J4 ends */
    CHECK_INT(d.count, 1);
    check_nodes(&s, (int[]){4, 6, 6, 0}, (int[]){0, 0, 6, 8});
    CHECK_INT(ps_side_schedule(&s, 1, 0, &id), 0); /* J1: 2 nodes with >= 4 free */
    d = ps_side_process_running(&s, 3); /* J2 ends */
    CHECK_INT(d.count, 1);
    check_nodes(&s, (int[]){2, 4, 4, 0}, (int[]){2, 0, 6, 8});
    d = ps_side_process_running(&s, 5); /* J0 ends */
    CHECK_INT(d.count, 1);
    check_nodes(&s, (int[]){0, 2, 2, 0}, (int[]){8, 6, 6, 8});
    CHECK_INT(ps_side_schedule(&s, 5, 0, &id), 1); /* J1 -> nodes 0,1,2 */
    CHECK_INT(id, 105);
    check_nodes(&s, (int[]){4, 4, 4, 0}, (int[]){4, 2, 2, 8});
    CHECK_INT(s.n_active, 0);
    d = ps_side_process_running(&s, 7); /* J3 ends */
    check_nodes(&s, (int[]){2, 2, 2, 0}, (int[]){4, 4, 4, 8});
    d = ps_side_process_running(&s, 9); /* J1 ends */
    CHECK_INT(d.count, 1);
    check_nodes(&s, (int[]){0, 0, 0, 0}, (int[]){8, 8, 8, 8});
    CHECK_INT(s.n_running, 0);
    CHECK_INT(ps_side_used_cores(&s), 0);
    CHECK(consistent(&s));
    ps_side_free(&s);
}

/* A later pass of the same hour (only_fresh) visits only the slots the last
 * refill filled: jobs that failed earlier cannot fit with fewer free cores. */
static void test_fresh_pass(void) {
    ps_config cfg = tiny(4, 8, 4, 3);
    ps_side s;
    ps_error err = {{0}};
    CHECK_INT(ps_side_init(&s, &cfg, &err), PS_OK);
    ps_job j[6] = {J(2, 1, 0), J(2, 1, 0), J(2, 1, 0), J(2, 1, 0), J(3, 1, 0), J(3, 1, 0)};
    ps_side_add_jobs(&s, j, 6, 0); /* 4 in the queue, 2 in the backlog */
    int64_t id = 0;
    CHECK_INT(ps_side_schedule(&s, 0, 1, &id), 0); /* nothing refilled yet */
    CHECK_INT(ps_side_schedule(&s, 0, 0, &id), 4);
    CHECK_INT(ps_side_refill(&s, 0), 2);
    CHECK(s.queue[0].duration == 3 && s.queue[1].duration == 3);
    ps_side_add_jobs(&s, j, 2, 0); /* slots 2, 3: not fresh */
    CHECK_INT(ps_side_schedule(&s, 0, 1, &id), 2);
    CHECK(s.queue[0].duration == 0 && s.queue[1].duration == 0);
    CHECK(s.queue[2].duration == 2 && s.queue[3].duration == 2);
    CHECK_INT(ps_side_schedule(&s, 0, 0, &id), 2);
    CHECK_INT(id, 8);
    CHECK(consistent(&s));
    ps_side_free(&s);

    /* across bitmap words: a 200-slot queue, fresh slots 70 and 150 */
    ps_config big = tiny(4, 8, 200, 10);
    CHECK_INT(ps_side_init(&s, &big, &err), PS_OK);
    for (int i = 0; i < 200; i++) {
        ps_job k = (i == 70 || i == 150) ? J(1, 1, 0) : J(1, 5, 0); /* 5 nodes never fit */
        ps_side_add_jobs(&s, &k, 1, 0);
    }
    ps_job bl[2] = {J(4, 1, 0), J(5, 2, 0)};
    ps_side_add_jobs(&s, bl, 2, 0);
    CHECK_INT(s.bl_len, 2);
    id = 0;
    CHECK_INT(ps_side_schedule(&s, 0, 0, &id), 2);
    CHECK_INT(s.next_empty, 70);
    CHECK_INT(ps_side_refill(&s, 1), 2);
    CHECK(job_eq(s.queue[70], 4, 1, 1, 0));
    CHECK(job_eq(s.queue[150], 5, 1, 2, 0));
    CHECK_INT(s.next_empty, 200);
    CHECK_INT(ps_side_schedule(&s, 1, 1, &id), 2);
    CHECK_INT(s.n_active, 198);
    CHECK_INT(s.next_empty, 70);
    CHECK_INT(ps_side_used_nodes(&s), 2);
    CHECK_INT(ps_side_used_cores(&s), 0);
    CHECK(consistent(&s));
    ps_side_free(&s);
}

static void test_degenerate_jobs(void) {
    ps_config cfg = tiny(4, 8, 8, 3);
    ps_side s;
    ps_error err = {{0}};
    CHECK_INT(ps_side_init(&s, &cfg, &err), PS_OK);
    /* c = 0 makes its nodes busy without using cores */
    ps_job z = J(4, 2, 0);
    ps_side_add_jobs(&s, &z, 1, 0);
    int64_t id = 0;
    CHECK_INT(ps_side_schedule(&s, 0, 0, &id), 1);
    check_nodes(&s, (int[]){4, 4, 0, 0}, (int[]){8, 8, 8, 8});
    CHECK_INT(ps_side_used_nodes(&s), 2);
    CHECK_INT(ps_side_used_cores(&s), 0);
    /* busy nodes are not switched off even with all cores free */
    CHECK_INT(ps_side_adjust_nodes(&s, 0, 4), 2);
    check_nodes(&s, (int[]){4, 4, -1, -1}, (int[]){8, 8, 0, 0});
    /* a job needing more nodes than are on waits */
    ps_job big = J(1, 3, 0);
    ps_side_add_jobs(&s, &big, 1, 0);
    CHECK_INT(ps_side_schedule(&s, 0, 0, &id), 0);
    /* n = 0: launches with an empty allocation */
    ps_job none = J(3, 0, 5);
    ps_side_add_jobs(&s, &none, 1, 0);
    CHECK_INT(ps_side_schedule(&s, 0, 0, &id), 1);
    CHECK_INT(s.n_running, 2);
    check_nodes(&s, (int[]){4, 4, -1, -1}, (int[]){8, 8, 0, 0});
    ps_completions d = ps_side_process_running(&s, 3);
    CHECK_INT(d.count, 1);
    d = ps_side_process_running(&s, 4);
    CHECK_INT(d.count, 1);
    check_nodes(&s, (int[]){0, 0, -1, -1}, (int[]){8, 8, 0, 0});
    CHECK(consistent(&s));
    ps_side_free(&s);
}

/* ---------------------------------------------- completions (3.6, 14.2) */

static void completion_case(int cores, int age) {
    ps_config cfg = ps_config_default(); /* an empty 335-node cluster */
    ps_side s;
    ps_error err = {{0}};
    CHECK_INT(ps_side_init(&s, &cfg, &err), PS_OK);
    ps_job j = J(1, 1, cores);
    ps_side_add_jobs(&s, &j, 1, 0);
    for (int t = 0; t < age; t++) CHECK_INT(ps_side_age_queue(&s), 0);
    CHECK(job_eq(s.queue[0], 1, age, 1, cores));
    int64_t id = 0;
    CHECK_INT(ps_side_schedule(&s, age, 0, &id), 1);
    CHECK_INT(s.next_empty, 0);
    CHECK_INT(id, 1);
    CHECK_INT(s.n_running, 1);
    CHECK_INT(s.run[s.heap[0]].wait, age);
    CHECK_INT(s.run[s.heap[0]].n, 1);
    CHECK_INT(s.run[s.heap[0]].node[0], 0);
    /* nothing is counted at launch, nor in the launch hour */
    ps_completions d = ps_side_process_running(&s, age);
    CHECK_INT(d.count, 0);
    CHECK_INT(d.wait, 0);
    CHECK_INT(s.cores[0], 96 - cores);
    /* the next hour's processing completes it with its wait */
    d = ps_side_process_running(&s, age + 1);
    CHECK_INT(d.count, 1);
    CHECK_INT(d.wait, age);
    CHECK_INT(s.n_running, 0);
    CHECK_INT(s.cores[0], 96);
    CHECK_INT(s.nodes[0], 0);
    d = ps_side_process_running(&s, age + 2);
    CHECK_INT(d.count, 0);
    ps_side_free(&s);
}

static void test_release_timing(void) {
    ps_config cfg = tiny(4, 8, 8, 3);
    ps_side s;
    ps_error err = {{0}};
    CHECK_INT(ps_side_init(&s, &cfg, &err), PS_OK);
    /* launched in hour 10 with d = 3: holds its cores in hours 10, 11, 12 */
    ps_job j = J(3, 1, 8);
    ps_side_add_jobs(&s, &j, 1, 10);
    int64_t id = 0;
    ps_side_process_running(&s, 10);
    CHECK_INT(ps_side_schedule(&s, 10, 0, &id), 1);
    CHECK_INT(s.nodes[0], 3);
    CHECK_INT(ps_side_used_nodes(&s), 1);
    for (int t = 11; t <= 12; t++) {
        ps_completions d = ps_side_process_running(&s, t);
        CHECK_INT(d.count, 0);
        CHECK_INT(s.nodes[0], 13 - t);
        CHECK_INT(s.cores[0], 0);
        CHECK_INT(ps_side_used_nodes(&s), 1);
    }
    ps_completions d = ps_side_process_running(&s, 13);
    CHECK_INT(d.count, 1);
    CHECK_INT(s.nodes[0], 0);
    CHECK_INT(s.cores[0], 8);
    CHECK_INT(ps_side_used_nodes(&s), 0);
    /* two jobs on one node: the timer is the longest remaining one */
    ps_job two[2] = {J(3, 1, 4), J(5, 1, 4)};
    ps_side_add_jobs(&s, two, 2, 20);
    CHECK_INT(ps_side_schedule(&s, 20, 0, &id), 2);
    check_nodes(&s, (int[]){5, 0, 0, 0}, (int[]){0, 8, 8, 8});
    ps_side_process_running(&s, 21);
    CHECK_INT(s.nodes[0], 4);
    d = ps_side_process_running(&s, 23);
    CHECK_INT(d.count, 1);
    check_nodes(&s, (int[]){2, 0, 0, 0}, (int[]){4, 8, 8, 8});
    d = ps_side_process_running(&s, 30); /* hours may be skipped */
    CHECK_INT(d.count, 1);
    check_nodes(&s, (int[]){0, 0, 0, 0}, (int[]){8, 8, 8, 8});
    CHECK(consistent(&s));
    ps_side_free(&s);
}

/* ------------------------------------------------- node switching (4) */

static void test_adjust_nodes(void) {
    ps_config cfg = tiny(4, 8, 8, 3);
    ps_side s;
    ps_error err = {{0}};
    CHECK_INT(ps_side_init(&s, &cfg, &err), PS_OK);
    /* OFF stops after `magnitude` switches, lowest indices first */
    CHECK_INT(ps_side_adjust_nodes(&s, 0, 2), 2);
    check_nodes(&s, (int[]){-1, -1, 0, 0}, (int[]){0, 0, 8, 8});
    CHECK_INT(s.on, 2);
    CHECK(consistent(&s));
    CHECK_INT(ps_side_adjust_nodes(&s, 1, 4), 0); /* keep */
    check_nodes(&s, (int[]){-1, -1, 0, 0}, (int[]){0, 0, 8, 8});
    /* jobs go to powered nodes only */
    ps_job a = J(2, 1, 2), b = J(1, 3, 1);
    ps_side_add_jobs(&s, &a, 1, 0);
    ps_side_add_jobs(&s, &b, 1, 0);
    int64_t id = 0;
    CHECK_INT(ps_side_schedule(&s, 0, 0, &id), 1);
    check_nodes(&s, (int[]){-1, -1, 2, 0}, (int[]){0, 0, 6, 8});
    /* OFF switches only idle nodes with all cores free */
    CHECK_INT(ps_side_adjust_nodes(&s, 0, 4), 1);
    check_nodes(&s, (int[]){-1, -1, 2, -1}, (int[]){0, 0, 6, 0});
    CHECK_INT(ps_side_adjust_nodes(&s, 0, 4), 0);
    /* ON: ascending, up to magnitude; a node switched on takes jobs at once */
    CHECK_INT(ps_side_adjust_nodes(&s, 2, 2), 2);
    check_nodes(&s, (int[]){0, 0, 2, -1}, (int[]){8, 8, 6, 0});
    CHECK_INT(ps_side_schedule(&s, 0, 0, &id), 1); /* b: 3 nodes -> 0, 1, 2 */
    check_nodes(&s, (int[]){1, 1, 2, -1}, (int[]){7, 7, 5, 0});
    CHECK_INT(ps_side_adjust_nodes(&s, 2, 5), 1);
    CHECK_INT(ps_side_adjust_nodes(&s, 2, 1), 0);
    CHECK_INT(s.on, 4);
    CHECK_INT(ps_side_adjust_nodes(&s, 0, 4), 1); /* node 3 only */
    /* completed nodes become idle and can be switched off */
    ps_side_process_running(&s, 2);
    check_nodes(&s, (int[]){0, 0, 0, -1}, (int[]){8, 8, 8, 0});
    CHECK_INT(ps_side_adjust_nodes(&s, 0, 335), 3);
    CHECK_INT(s.on, 0);
    CHECK_INT(ps_side_used_cores(&s), 0);
    CHECK(consistent(&s));
    ps_side_free(&s);
}

int main(void) {
    test_add_jobs();
    test_slot_reuse();
    test_queue_aging();
    test_backlog_aging();
    test_refill();
    test_first_fit();
    test_fresh_pass();
    test_degenerate_jobs();
    completion_case(4, 3); /* agent row [1, 3, 1, 4] */
    completion_case(8, 2); /* baseline row [1, 2, 1, 8] */
    test_release_timing();
    test_adjust_nodes();
    return check_summary("test_cluster");
}
