/* provenance.h - what a result was made from: the tool's version and the
 * size and CRC-32 of every input file, recorded in config.json, checkpoints
 * and summary.json, so a model can be reproduced from its session and an
 * evaluation on other inputs is told apart (and warned about). */
#ifndef POWERSCHED_PROVENANCE_H
#define POWERSCHED_PROVENANCE_H

#include <stdint.h>
#include <stdio.h>

#include "powersched/error.h"
#include "powersched/scenario_options.h"

struct cJSON;

/* {"powersched": version, "inputs": {"--prices": {"path", "size", "crc32"},
 * ...}} for every input file flag that is set (prices, job logs, durations;
 * --prices logic and synthetic prices name no file). NULL when out of memory
 * or a file cannot be read (err says which). */
struct cJSON *ps_provenance_json(const ps_sim_flags *f, ps_error *err);

/* Compares the inputs recorded in a model's provenance with this run's: one
 * warning line on warn per input that is missing, added or differs in CRC.
 * Returns the number of differences. */
int ps_provenance_compare(const struct cJSON *model, const struct cJSON *now, FILE *warn);

/* "_in-XXXXXXXX": CRC-32 over the input CRCs and the price rows used, for an
 * output folder's name, so evaluations of one model on other inputs land in
 * other folders; "" when every input is built in (synthetic prices, the
 * legacy generator without files). */
void ps_provenance_tag(const struct cJSON *now, long long price_first, long long price_last, char *buf, size_t size);

#endif
