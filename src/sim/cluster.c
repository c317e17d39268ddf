/* cluster.c - job management (spec 3) and node switching (spec 4) for one side. */
#include "powersched/cluster.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ init / free */

int ps_side_init(ps_side *s, const ps_config *cfg, ps_error *err) {
    memset(s, 0, sizeof *s);
    s->cfg = cfg;
    int n = cfg->max_nodes, q = cfg->max_queue_size, cpn = cfg->cores_per_node;
    if (n <= 0 || n > 65535 || cpn <= 0 || q <= 0 || cfg->max_backlog_size < 0)
        return ps_error_set(err, "invalid cluster size (nodes %d, cores %d, queue %d, backlog %d)",
                            n, cpn, q, cfg->max_backlog_size);
    s->nodes = calloc((size_t)n, sizeof *s->nodes);
    s->cores = malloc((size_t)n * sizeof *s->cores);
    s->max_end = calloc((size_t)n, sizeof *s->max_end);
    s->cnt_ge = malloc((size_t)(cpn + 1) * sizeof *s->cnt_ge);
    s->queue = calloc((size_t)q, sizeof *s->queue);
    s->active = calloc((size_t)(q + 63) / 64, sizeof *s->active);
    s->fresh = calloc((size_t)(q + 63) / 64, sizeof *s->fresh);
    s->backlog = malloc((size_t)(cfg->max_backlog_size + 1) * sizeof *s->backlog);
    s->boot_left = calloc((size_t)n, sizeof *s->boot_left);
    s->waits.max = cfg->max_job_age > 0 ? cfg->max_job_age : 0;
    s->waits.n = calloc((size_t)s->waits.max + 1, sizeof *s->waits.n);
    if (!s->waits.n || !s->nodes || !s->cores || !s->max_end || !s->cnt_ge || !s->queue || !s->active || !s->fresh || !s->backlog ||
        !s->boot_left) {
        ps_side_free(s);
        return ps_error_set(err, "out of memory for the cluster state");
    }
    for (int i = 0; i < n; i++) s->cores[i] = cpn;
    for (int k = 0; k <= cpn; k++) s->cnt_ge[k] = n;
    s->on = n;
    s->sum_free_cores = n * cpn;
    return PS_OK;
}

void ps_side_free(ps_side *s) {
    free(s->nodes);
    free(s->cores);
    free(s->max_end);
    free(s->cnt_ge);
    free(s->queue);
    free(s->active);
    free(s->fresh);
    free(s->backlog);
    free(s->boot_left);
    free(s->waits.n);
    free(s->run);
    free(s->run_free);
    free(s->heap);
    free(s->launch_log);
    memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------- pending statistics */

static int hist_index(int32_t nodes) {
    return nodes < 0 ? 0 : nodes > PS_MAX_NODES_PER_JOB_LIMIT ? PS_MAX_NODES_PER_JOB_LIMIT : nodes;
}

static void pending_change(ps_pending *p, int32_t d, int32_t n, int32_t c, int sign) {
    p->count += sign;
    p->sum_duration += sign * (int64_t)d;
    p->core_hours += sign * (int64_t)d * n * c;
    p->core_demand += sign * (int64_t)n * c;
    p->nodes_hist[hist_index(n)] += sign;
}

int ps_pending_max_nodes(const ps_pending *p) {
    for (int k = PS_MAX_NODES_PER_JOB_LIMIT; k > 0; k--)
        if (p->nodes_hist[k] > 0) return k;
    return 0;
}

/* ------------------------------------------------------------ queue slots */

/* Lowest slot >= from whose active bit is clear (max_queue_size if none). */
static int next_free_slot(const ps_side *s, int from) {
    int q = s->cfg->max_queue_size, words = (q + 63) / 64;
    for (int w = from >> 6; w < words; w++) {
        uint64_t free_bits = ~s->active[w];
        if (w == from >> 6) free_bits &= ~0ULL << (from & 63);
        if (free_bits) {
            int slot = w * 64 + __builtin_ctzll(free_bits);
            return slot < q ? slot : q;
        }
    }
    return q;
}

static void slot_put(ps_side *s, int slot, ps_job j) {
    s->queue[slot] = j;
    s->active[slot >> 6] |= 1ULL << (slot & 63);
    s->n_active++;
    if (slot == s->next_empty) s->next_empty = next_free_slot(s, slot);
}

static void slot_clear(ps_side *s, int slot) {
    memset(&s->queue[slot], 0, sizeof s->queue[slot]);
    s->active[slot >> 6] &= ~(1ULL << (slot & 63));
    s->n_active--;
    if (slot < s->next_empty) s->next_empty = slot;
}

/* Calls body for each active slot (restricted to `mask` when non-NULL) in
 * ascending order; the body may clear the current slot. */
#define FOR_ACTIVE_SLOTS(s, mask, slot, body)                                    \
    do {                                                                         \
        int nwords_ = ((s)->cfg->max_queue_size + 63) / 64;                      \
        for (int w_ = 0; w_ < nwords_; w_++) {                                   \
            uint64_t bits_ = (s)->active[w_] & ((mask) ? (mask)[w_] : ~0ULL);    \
            while (bits_) {                                                      \
                int slot = w_ * 64 + __builtin_ctzll(bits_);                     \
                bits_ &= bits_ - 1;                                              \
                body;                                                            \
            }                                                                    \
        }                                                                        \
    } while (0)

/* ------------------------------------------------------------ free cores */

/* Sets node i's free cores (node powered on) and keeps cnt_ge in step. */
static void set_free_cores(ps_side *s, int i, int32_t v) {
    int32_t old = s->cores[i];
    if (v < old)
        for (int32_t k = v + 1; k <= old; k++) s->cnt_ge[k]--;
    else
        for (int32_t k = old + 1; k <= v; k++) s->cnt_ge[k]++;
    s->cores[i] = v;
    s->sum_free_cores += v - old;
}

/* ---------------------------------------------------------- running jobs */

static int64_t heap_key(const ps_side *s, int h) { return s->run[s->heap[h]].end; }

static void heap_swap(ps_side *s, int a, int b) {
    int t = s->heap[a];
    s->heap[a] = s->heap[b];
    s->heap[b] = t;
}

static void heap_push(ps_side *s, int idx) {
    int h = s->n_running++;
    s->heap[h] = idx;
    while (h > 0 && heap_key(s, (h - 1) / 2) > heap_key(s, h)) {
        heap_swap(s, h, (h - 1) / 2);
        h = (h - 1) / 2;
    }
}

static int heap_pop(ps_side *s) {
    int top = s->heap[0];
    s->heap[0] = s->heap[--s->n_running];
    for (int h = 0;;) {
        int l = 2 * h + 1, r = l + 1, m = h;
        if (l < s->n_running && heap_key(s, l) < heap_key(s, m)) m = l;
        if (r < s->n_running && heap_key(s, r) < heap_key(s, m)) m = r;
        if (m == h) break;
        heap_swap(s, h, m);
        h = m;
    }
    return top;
}

/* Returns a free slab index, growing the slab when needed (-1: out of memory). */
static int run_alloc(ps_side *s) {
    if (s->n_free == 0) {
        int ncap = s->run_cap ? s->run_cap * 2 : 1024;
        ps_running_job *run = realloc(s->run, (size_t)ncap * sizeof *run);
        if (!run) return -1;
        s->run = run;
        int *fr = realloc(s->run_free, (size_t)ncap * sizeof *fr);
        if (!fr) return -1;
        s->run_free = fr;
        int *hp = realloc(s->heap, (size_t)ncap * sizeof *hp);
        if (!hp) return -1;
        s->heap = hp;
        for (int i = ncap - 1; i >= s->run_cap; i--) s->run_free[s->n_free++] = i;
        s->run_cap = ncap;
    }
    return s->run_free[--s->n_free];
}

ps_completions ps_side_process_running(ps_side *s, int64_t now) {
    ps_completions done = {0, 0};
    while (s->n_running > 0 && heap_key(s, 0) <= now) {
        int idx = heap_pop(s);
        const ps_running_job *j = &s->run[idx];
        for (int k = 0; k < j->n; k++) set_free_cores(s, j->node[k], s->cores[j->node[k]] + j->cores);
        done.count++;
        done.wait += j->wait;
        s->waits.n[j->wait < 0 ? 0 : j->wait > s->waits.max ? s->waits.max : j->wait]++;
        s->run_free[s->n_free++] = idx;
    }
    for (int i = 0; i < s->cfg->max_nodes; i++)
        if (s->nodes[i] >= 0) s->nodes[i] = s->max_end[i] > now ? (int32_t)(s->max_end[i] - now) : 0;
    return done;
}

/* ------------------------------------------------------------------ aging */

int ps_side_age_queue(ps_side *s) {
    int dropped = 0, max_age = s->cfg->max_job_age;
    FOR_ACTIVE_SLOTS(s, (const uint64_t *)NULL, slot, {
        ps_job *j = &s->queue[slot];
        if (++j->age > max_age) {
            pending_change(&s->pending, j->duration, j->nodes, j->cores, -1);
            slot_clear(s, slot);
            dropped++;
        }
    });
    return dropped;
}

static ps_backlog_rec backlog_pop(ps_side *s) {
    ps_backlog_rec r = s->backlog[s->bl_head];
    s->bl_head = (s->bl_head + 1) % (s->cfg->max_backlog_size + 1);
    s->bl_len--;
    return r;
}

int ps_side_age_backlog(ps_side *s, int64_t now) {
    int dropped = 0;
    while (s->bl_len > 0 && now - s->backlog[s->bl_head].arrival > s->cfg->max_job_age) {
        ps_backlog_rec r = backlog_pop(s);
        pending_change(&s->pending, r.duration, r.nodes, r.cores, -1);
        dropped++;
    }
    return dropped;
}

ps_waiting ps_side_waiting(const ps_side *s, int64_t now, int min_age) {
    ps_waiting w = {0, 0, 0, 0, 0};
    FOR_ACTIVE_SLOTS(s, (const uint64_t *)NULL, slot, {
        const ps_job *j = &s->queue[slot];
        w.cores += (int64_t)j->nodes * j->cores;
        if (j->nodes > w.widest) w.widest = j->nodes;
        if (j->age >= min_age) {
            w.overdue++;
            w.overdue_nodes += j->nodes;
        }
    });
    /* the backlog is in arrival order: its overdue jobs are a run at the head */
    for (int i = 0; i < s->bl_len && i < s->cfg->max_nodes; i++) {
        ps_job j = ps_side_backlog_at(s, i, now);
        if (j.age < min_age) break;
        w.backlog_overdue = 1;
        w.overdue_nodes += j.nodes;
    }
    return w;
}

ps_job ps_side_backlog_at(const ps_side *s, int i, int64_t now) {
    const ps_backlog_rec *r = &s->backlog[(s->bl_head + i) % (s->cfg->max_backlog_size + 1)];
    ps_job j = {r->duration, (int32_t)(now - r->arrival), r->nodes, r->cores};
    return j;
}

/* ----------------------------------------------------------- queue input */

int ps_side_refill(ps_side *s, int64_t now) {
    int moved = 0;
    memset(s->fresh, 0, (size_t)(s->cfg->max_queue_size + 63) / 64 * sizeof *s->fresh);
    while (s->bl_len > 0 && s->next_empty < s->cfg->max_queue_size) {
        ps_job j = ps_side_backlog_at(s, 0, now);
        backlog_pop(s);
        s->fresh[s->next_empty >> 6] |= 1ULL << (s->next_empty & 63);
        slot_put(s, s->next_empty, j); /* pending totals unchanged: it stays pending */
        moved++;
    }
    return moved;
}

int ps_side_add_jobs(ps_side *s, const ps_job *jobs, int n, int64_t now) {
    int rejected = 0, cap = s->cfg->max_backlog_size;
    for (int i = 0; i < n; i++) {
        ps_job j = jobs[i];
        j.age = 0;
        if (s->next_empty >= s->cfg->max_queue_size) {
            if (s->bl_len >= cap) {
                rejected++;
                continue;
            }
            ps_backlog_rec r = {j.duration, j.nodes, j.cores, now};
            s->backlog[(s->bl_head + s->bl_len) % (cap + 1)] = r;
            s->bl_len++;
        } else {
            slot_put(s, s->next_empty, j);
        }
        pending_change(&s->pending, j.duration, j.nodes, j.cores, +1);
    }
    return rejected;
}

/* ------------------------------------------------------------- scheduling */

static int log_launch(ps_side *s, const ps_job *j) {
    if (ps_grow((void **)&s->launch_log, &s->cap_launch_log, s->n_launch_log + 1, sizeof *s->launch_log) != 0)
        return -1;
    s->launch_log[s->n_launch_log++] = (struct ps_launch_rec){j->duration, j->nodes * j->cores, j->age};
    return 0;
}

static int launch(ps_side *s, int slot, int64_t now, int64_t *next_job_id) {
    ps_job j = s->queue[slot];
    if (s->log_launches && log_launch(s, &j) != 0) return -1;
    int idx = run_alloc(s);
    if (idx < 0) return -1;
    ps_running_job *r = &s->run[idx];
    r->end = now + j.duration;
    r->wait = j.age;
    r->n = j.nodes;
    r->cores = j.cores;
    for (int i = 0, got = 0; got < j.nodes; i++) {
        if (s->nodes[i] < 0 || s->cores[i] < j.cores) continue;
        set_free_cores(s, i, s->cores[i] - j.cores);
        if (s->nodes[i] < j.duration) s->nodes[i] = j.duration;
        if (s->max_end[i] < r->end) s->max_end[i] = r->end;
        r->node[got++] = (uint16_t)i;
    }
    heap_push(s, idx);
    (*next_job_id)++;
    s->launches++;
    s->launch_wait += j.age;
    s->launch_cores += (int64_t)j.nodes * j.cores;
    pending_change(&s->pending, j.duration, j.nodes, j.cores, -1);
    slot_clear(s, slot);
    return 0;
}

int ps_side_schedule(ps_side *s, int64_t now, int only_fresh, int64_t *next_job_id) {
    return ps_side_schedule_held(s, now, only_fresh, NULL, next_job_id);
}

int ps_side_schedule_held(ps_side *s, int64_t now, int only_fresh, const ps_hold *hold, int64_t *next_job_id) {
    int launched = 0, cpn = s->cfg->cores_per_node;
    const uint64_t *mask = only_fresh ? s->fresh : NULL;
    FOR_ACTIVE_SLOTS(s, mask, slot, {
        const ps_job *j = &s->queue[slot];
        /* First-fit: enough powered nodes with >= c free cores (spec 3.5). */
        if (j->cores <= cpn && j->cores >= 0 && j->nodes <= PS_MAX_NODES_PER_JOB_LIMIT &&
            s->cnt_ge[j->cores] >= j->nodes && !(hold && hold->held(hold->ctx, j))) {
            if (launch(s, slot, now, next_job_id) != 0) return -1;
            launched++;
        }
    });
    return launched;
}

typedef struct due_slot {
    int age, slot;
} due_slot;

static int cmp_due(const void *a, const void *b) {
    const due_slot *x = a, *y = b;
    if (x->age != y->age) return y->age - x->age; /* oldest first */
    return x->slot - y->slot;
}

int ps_side_schedule_due(ps_side *s, int64_t now, int min_age, int64_t *next_job_id) {
    int n = 0, launched = 0, cpn = s->cfg->cores_per_node;
    due_slot *due = malloc((size_t)s->n_active * sizeof *due + 1);
    if (!due) return -1;
    FOR_ACTIVE_SLOTS(s, (const uint64_t *)NULL, slot, {
        if (s->queue[slot].age >= min_age) {
            due[n].age = s->queue[slot].age;
            due[n++].slot = slot;
        }
    });
    qsort(due, (size_t)n, sizeof *due, cmp_due); /* the longest waiting first: they are due soonest */
    for (int k = 0; k < n; k++) {
        const ps_job *j = &s->queue[due[k].slot];
        if (j->cores > cpn || j->cores < 0 || j->nodes > PS_MAX_NODES_PER_JOB_LIMIT || s->cnt_ge[j->cores] < j->nodes)
            continue;
        if (launch(s, due[k].slot, now, next_job_id) != 0) {
            free(due);
            return -1;
        }
        launched++;
    }
    free(due);
    return launched;
}

/* -------------------------------------------------------- node switching */

/* Node i becomes usable: idle with every core free. */
static void node_ready(ps_side *s, int i) {
    int cpn = s->cfg->cores_per_node;
    for (int k = 0; k <= cpn; k++) s->cnt_ge[k]++;
    s->nodes[i] = 0;
    s->cores[i] = cpn;
    s->sum_free_cores += cpn;
}

int ps_side_adjust_nodes(ps_side *s, int action_type, int magnitude) {
    int changed = 0, cpn = s->cfg->cores_per_node;
    for (int i = 0; i < s->cfg->max_nodes && changed < magnitude; i++) {
        if (action_type == 0 && s->nodes[i] == 0 && s->cores[i] == cpn) {
            for (int k = 0; k <= cpn; k++) s->cnt_ge[k]--;
            s->nodes[i] = -1;
            s->cores[i] = 0;
            s->on--;
            s->sum_free_cores -= cpn;
            changed++;
        } else if (action_type == 2 && s->nodes[i] == -1 && s->boot_left[i] == 0) {
            s->on++;
            if (s->cfg->node_boot_hours > 0) {
                s->boot_left[i] = s->cfg->node_boot_hours; /* powered, not yet usable */
                s->n_booting++;
            } else {
                node_ready(s, i);
            }
            changed++;
        }
    }
    if (action_type == 0) s->switched_off += changed;
    if (action_type == 2) s->switched_on += changed;
    return changed;
}

int64_t ps_side_flush(ps_side *s) {
    const ps_config *c = s->cfg;
    int n = c->max_nodes, cpn = c->cores_per_node, words = (c->max_queue_size + 63) / 64;
    int64_t discarded = (int64_t)s->n_active + s->bl_len + s->n_running;
    memset(s->queue, 0, (size_t)c->max_queue_size * sizeof *s->queue);
    memset(s->active, 0, (size_t)words * sizeof *s->active);
    memset(s->fresh, 0, (size_t)words * sizeof *s->fresh);
    s->n_active = s->next_empty = 0;
    s->bl_head = s->bl_len = 0;
    while (s->n_running > 0) s->run_free[s->n_free++] = s->heap[--s->n_running];
    for (int i = 0; i < n; i++) {
        s->nodes[i] = 0;
        s->cores[i] = cpn;
        s->max_end[i] = 0;
        s->boot_left[i] = 0;
    }
    for (int k = 0; k <= cpn; k++) s->cnt_ge[k] = n;
    s->on = n;
    s->n_booting = 0;
    s->sum_free_cores = n * cpn;
    memset(&s->pending, 0, sizeof s->pending);
    return discarded;
}

ps_overdue ps_side_overdue(const ps_side *s, int64_t now, int grace) {
    ps_overdue o = {0, 0};
    FOR_ACTIVE_SLOTS(s, (const uint64_t *)NULL, slot, {
        const ps_job *j = &s->queue[slot];
        if (j->age <= grace) continue;
        o.jobs++;
        o.age_core_hours += (int64_t)(j->age - grace) * j->nodes * j->cores;
    });
    /* Backlog ages fall from head to tail: stop at the first job within grace. */
    for (int i = 0; i < s->bl_len; i++) {
        ps_job j = ps_side_backlog_at(s, i, now);
        if (j.age <= grace) break;
        o.jobs++;
        o.age_core_hours += (int64_t)(j.age - grace) * j.nodes * j.cores;
    }
    return o;
}

void ps_side_advance_boots(ps_side *s) {
    for (int i = 0; s->n_booting > 0 && i < s->cfg->max_nodes; i++) {
        if (s->boot_left[i] == 0 || --s->boot_left[i] > 0) continue;
        s->n_booting--;
        node_ready(s, i);
    }
}

/* ---------------------------------------------------------------- counts */

int ps_side_used_nodes(const ps_side *s) {
    int used = 0;
    for (int i = 0; i < s->cfg->max_nodes; i++) used += s->nodes[i] > 0;
    return used;
}

int64_t ps_side_used_cores(const ps_side *s) {
    return (int64_t)(s->on - s->n_booting) * s->cfg->cores_per_node - s->sum_free_cores;
}

int ps_side_max_queue_age(const ps_side *s) {
    int m = 0;
    FOR_ACTIVE_SLOTS(s, (const uint64_t *)NULL, slot, {
        if (s->queue[slot].age > m) m = s->queue[slot].age;
    });
    return m;
}
