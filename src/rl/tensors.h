/* tensors.h - bookkeeping for the C side of the torch shim: a list that owns
 * the temporaries of one computation (freed together), and T(), which takes
 * a shim call's result, records it and jumps to `fail` when libtorch
 * reported an error (the message is then in at_last_error()). */
#ifndef POWERSCHED_RL_TENSORS_H
#define POWERSCHED_RL_TENSORS_H

#include "powersched/error.h"
#include "torch_api.h"

#define PS_TLIST_MAX 256

typedef struct ps_tlist {
    at_tensor v[PS_TLIST_MAX];
    int n;
} ps_tlist;

/* Records t (NULL passes through); NULL when t is NULL or the list is full. */
at_tensor ps_tlist_add(ps_tlist *l, at_tensor t);
void ps_tlist_free(ps_tlist *l);

/* err = "<what>: <libtorch's message>"; clears the shim's error. */
int ps_torch_error(ps_error *err, const char *what);

/* Inside a function with a `ps_tlist *tl` and a `fail:` label. */
#define T(expr)                                                \
    __extension__({                                            \
        at_tensor t_ = ps_tlist_add(tl, (expr));               \
        if (!t_ || at_last_error()) goto fail;                 \
        t_;                                                    \
    })

/* After a void shim call. */
#define TCHECK()                                               \
    do {                                                       \
        if (at_last_error()) goto fail;                        \
    } while (0)

#endif
