/* provenance.h - what a result was made from: the tool's version and the
 * size and CRC-32 of every input file, recorded in config.json, checkpoints
 * and summary.json, so a model can be reproduced from its session and an
 * evaluation on other inputs is told apart (and warned about). */
#ifndef POWERSCHED_PROVENANCE_H
#define POWERSCHED_PROVENANCE_H

#include <stdint.h>
#include <stdio.h>

#include "powersched/error.h"
#include "powersched/heuristics.h"
#include "powersched/scenario_options.h"

struct cJSON;

/* {"powersched": version, "inputs": {"--prices": {"path", "size", "crc32"},
 * ...}} for every input file flag that is set (prices, job logs, durations;
 * --prices logic[:HIGH:LOW] with the size and CRC of its text; synthetic
 * prices are no input). NULL when out of memory or a file cannot be read
 * (err says which). */
struct cJSON *ps_provenance_json(const ps_sim_flags *f, ps_error *err);

/* Adds "scenario" to a provenance: the value of every option that shapes
 * what is simulated but is not an input file (the data options less files,
 * price rows and seed; energy model, quality of service, training contract,
 * workload generator, hand-written policies), grouped as config.json's
 * "options". h: the hand-written policies' settings. */
int ps_provenance_add_scenario(struct cJSON *prov, const ps_sim_flags *f, const ps_heuristic_config *h, ps_error *err);

/* Compares what a model's config.json (or provenance) records with this
 * run's provenance: one warning line on warn per input that is missing,
 * added or differs in CRC, and per scenario option (when now has them) whose
 * value differs from the model's options. Returns the number of differences. */
int ps_provenance_compare(const struct cJSON *model, const struct cJSON *now, FILE *warn);

/* "_in-XXXXXXXX": CRC-32 over the input CRCs, the price rows used and the
 * scenario options that are not at their defaults, for an output folder's
 * name, so evaluations of one model on other inputs or settings land in
 * other folders; "" when every input is built in (synthetic prices, the
 * legacy generator without files) and every option is at its default. */
void ps_provenance_tag(const struct cJSON *now, long long price_first, long long price_last, char *buf, size_t size);

#endif
