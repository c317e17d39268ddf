/* eval_report.h - what evaluate-savings reports from an evaluation's
 * summary (spec 10.5, plus the split of the saving against baseline_off):
 * the cumulative analysis as text, summary.json, and the outputs folder
 * (episodes.csv, summary.json and the plots of spec 11). */
#ifndef POWERSCHED_EVAL_REPORT_H
#define POWERSCHED_EVAL_REPORT_H

#include <stdio.h>

#include "powersched/error.h"
#include "powersched/evaluation.h"

/* The blocks the prototype prints after its episodes (=== CUMULATIVE
 * SAVINGS ANALYSIS === ...), then the energy-volume / price-timing split. */
void ps_eval_summary_print(FILE *fp, const ps_eval_summary *s);

/* summary.json: session, model, then every number of the summary (NaN as
 * null). A cJSON* the caller deletes; NULL when out of memory. */
struct cJSON *ps_eval_summary_json(const ps_eval_summary *s, const char *session, const char *model);

/* Creates dir and writes episodes.csv, summary.json (with provenance's
 * members: version and input CRCs; NULL for none) and the evaluation plots
 * titled "<session>, model <model>, <months> months"; *png says whether
 * gnuplot rendered them. */
struct cJSON;
int ps_eval_write_outputs(const char *dir, const ps_episode_record *r, int n, const ps_eval_summary *s,
                          const char *session, const char *model, const struct cJSON *provenance, int *png,
                          ps_error *err);

#endif
