#include "tensors.h"

at_tensor ps_tlist_add(ps_tlist *l, at_tensor t) {
    if (!t) return NULL;
    if (l->n == PS_TLIST_MAX) {
        at_free(t);
        return NULL;
    }
    l->v[l->n++] = t;
    return t;
}

void ps_tlist_free(ps_tlist *l) {
    for (int i = 0; i < l->n; i++) at_free(l->v[i]);
    l->n = 0;
}

int ps_torch_error(ps_error *err, const char *what) {
    const char *msg = at_last_error();
    ps_error_set(err, "%s: %s", what, msg ? msg : "tensor operation failed");
    at_clear_error();
    return PS_ERR;
}
