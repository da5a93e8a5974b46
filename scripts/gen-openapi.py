#!/usr/bin/env python3
# Writes Sources/BackpropService/OpenAPIDocument.swift (GET /openapi.json) from the description below.
# Edit here, run it, commit both.
import json
num = {"type": "number"}
int_ = {"type": "integer"}
nullable = lambda s: {"oneOf": [s, {"type": "null"}]} if "$ref" in s else {**s, "type": [s["type"], "null"]}
matrix = {"type": "array", "items": {"type": "array", "items": num}}
imatrix = {"type": "array", "items": {"type": "array", "items": int_}}
ts = {"type": "string", "format": "date-time"}
statuses = ["queued", "running", "succeeded", "cancelled"]
problem_ref = {"$ref": "#/components/responses/Problem"}
def problem(desc): return {"description": desc, "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
run_id_param = {"name": "id", "in": "path", "required": True, "description": "The run id (32 lowercase hex digits; any other segment is a 404).", "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}
since_param = {"name": "since", "in": "query", "required": False, "description": "Only curve points with an iteration greater than this.", "schema": {"type": "integer", "minimum": -1}}
cursor_schema = {"type": "string", "pattern": "^([1-9][0-9]{0,11}\\.)?[0-9]{1,12}$"}
after_param = {"name": "after", "in": "query", "required": False, "description": "A resume cursor: the `next` of an earlier answer or an event's `id`. Only what was logged after it (every point exactly once across answers); a cursor past the end means after everything.", "schema": cursor_schema}
wait_param = {"name": "wait", "in": "query", "description": "Long-poll up to this many seconds (≤ --max-wait) until there is something new: an ETag other than If-None-Match, else events after `after`, else a newer point than `since` or the end, else any change or the end. An answer that would be 304 (or, with after, empty) waits the whole time, also on a finished run.", "schema": {"type": "integer", "minimum": 0, "maximum": "__MAX_WAIT__"}}
window_params = [
    {"name": "points", "in": "query", "required": False, "description": "At most this many points per curve (over the window): the first and last point, and per bucket of consecutive points its lowest and highest error, so a spike is never dropped. A window of no more points comes back whole. Without it, every point.", "schema": {"type": "integer", "minimum": 4, "maximum": 100000}},
    {"name": "from", "in": "query", "required": False, "description": "Only curve points at this iteration or later (inclusive).", "schema": {"type": "integer", "minimum": 0}},
    {"name": "to", "in": "query", "required": False, "description": "Only curve points at this iteration or earlier (inclusive); to < from is an empty window.", "schema": {"type": "integer", "minimum": 0}},
]
format_param = {"name": "format", "in": "query", "required": False, "description": "json or csv; wins over Accept (without it, Accept: text/csv ranked above JSON gives CSV).", "schema": {"type": "string", "enum": ["json", "csv"]}}
csv_content = {"text/csv": {"schema": {"type": "string", "description": "RFC 4180, UTF-8, CRLF line ends, a header row first."}}}
restarting = {**problem("The server is shutting down (a long-poll it interrupted); ask its successor after Retry-After seconds."), "headers": {"Retry-After": {"schema": {"type": "integer"}}}}
etag_header = {"ETag": {"description": "Strong validator of this representation; send it back in If-None-Match.", "schema": {"type": "string"}}}
reqid = {"X-Request-Id": {"schema": {"type": "string"}, "description": "Request id, also in the access log."}}
def run_links():
    return {
        "GetRun": {"operationId": "getRun", "parameters": {"id": "$response.body#/id"}},
        "CancelRun": {"operationId": "cancelRun", "parameters": {"id": "$response.body#/id"}},
        "DeleteRun": {"operationId": "deleteRun", "parameters": {"id": "$response.body#/id"}},
        "StreamRunEvents": {"operationId": "streamRunEvents", "parameters": {"id": "$response.body#/id"}},
        "PatchRun": {"operationId": "patchRun", "parameters": {"id": "$response.body#/id"}},
        "GetTrial": {"operationId": "getTrial", "parameters": {"id": "$response.body#/id", "index": 0}},
    }
security = [{}, {"bearer": []}]
doc = {
 "openapi": "3.1.0",
 "info": {"title": "backpropd", "version": "1.0.0",
          "description": "Train the numpy tutorial's sigmoid networks over HTTP: submit an alpha sweep, poll or stream its learning curves, read the final synapses and direction counts. The contract in prose, with curl examples, is api.md."},
 "servers": [{"url": "http://127.0.0.1:8080"}],
 "paths": {
  "/runs": {
   "post": {"operationId": "createRun", "summary": "Submit a sweep (alphas × hidden sizes).", "security": security,
     "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False, "description": "Retrying with the same key and body returns the same run; another body gets 422. Printable ASCII, not only spaces (HTTP drops the spaces around a field value).", "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]*[!-~][ -~]*$"}}],
     "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunRequest"}}}},
     "responses": {"202": {"description": "Accepted and queued (or the run of a replayed Idempotency-Key): a small document, whatever the run's size.", "headers": {"Location": {"schema": {"type": "string"}, "description": "/runs/{id}"}},
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunAccepted"}}}, "links": run_links()},
                   "400": problem("The body is not JSON."), "401": problem("A token is required and was missing or wrong."),
                   "413": problem("The body exceeds --max-body-bytes."), "415": problem("The body is not application/json."),
                   "422": problem("Invalid values; `errors` names each field with a JSON pointer."),
                   "429": {**problem("The queue is full (--queue-limit trials waiting)."), "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
                   "503": problem("The server is stopping or cannot write to its data directory."),
                   "507": problem("The data directory is full; nothing was accepted."),
                   "default": problem("Any other error.")}},
   "get": {"operationId": "listRuns", "summary": "Runs without trials, filtered (label, q, status) and ordered (sort), a page at a time; ETag/If-None-Match. CSV (one row per run) with format=csv or Accept: text/csv.", "security": security,
     "parameters": [{"name": "limit", "in": "query", "description": "Runs per page (JSON: default 50; CSV: every run unless given).", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
                    {"name": "cursor", "in": "query", "description": "next_cursor of the previous page: <created_at in ms>.<id>, with e<16 hex digits of the best final error's bits>. in front in the best_error order. Any text of this form is a position: the page holds the runs after it in the order asked for.", "schema": {"type": "string", "pattern": "^(e[0-9a-f]{16}\\.)?[0-9]+\\.[0-9a-f]{32}$"}},
                    {"name": "status", "in": "query", "schema": {"type": "string", "enum": statuses}},
                    {"name": "label", "in": "query", "description": "KEY:VALUE (the first colon splits them); repeatable: every label given must match. No NUL (%00 is refused in any query, 400).", "style": "form", "explode": True, "schema": {"type": "array", "items": {"type": "string", "pattern": "^[^:\\u0000]+:[^\\u0000]*$"}}},
                    {"name": "q", "in": "query", "description": "Text in the run's name, case-insensitive (empty: no filter).", "schema": {"type": "string", "maxLength": 200, "pattern": "^[^\\u0000]*$"}},
                    {"name": "sort", "in": "query", "description": "created_at: newest first (default); best_error: lowest best final error first, runs without a result last (newest first among them).", "schema": {"type": "string", "enum": ["created_at", "best_error"], "default": "created_at"}},
                    format_param,
                    {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}}],
     "responses": {"200": {"description": "A page of runs (a cut page links to the next: Link rel=next). CSV: id,name,status,created_at,finished_at,best_alpha,best_hidden_size,best_final_error, then label:KEY for every label key on the rows.", "headers": etag_header, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunList"}}, **csv_content}},
                   "304": {"description": "The page is unchanged since the ETag sent in If-None-Match (a hash of the page: valid across restarts).", "headers": etag_header},
                   "401": problem("A token is required."), "422": problem("A bad limit, cursor, status, label, q, sort or format (query:NAME names each)."), "default": problem("Any other error.")}}},
  "/runs/{id}": {
   "parameters": [run_id_param],
   "get": {"operationId": "getRun", "summary": "A run with its trials; supports ETag/If-None-Match, ?after= resume cursors, ?since= and ?wait= long-polling, curve windows (points, from, to) and CSV (one row per curve point).", "security": security,
     "parameters": [since_param, after_param, wait_param, *window_params, format_param,
                    {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}}],
     "responses": {"200": {"description": "The run. CSV: trial,alpha,hidden_size,iteration,error, one row per curve point kept.", "headers": etag_header, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Run"}}, **csv_content}},
                   "304": {"description": "Unchanged since the ETag sent in If-None-Match.", "headers": etag_header},
                   "401": problem("A token is required."), "404": problem("No such run."), "422": problem("A bad since, after, wait, points, from, to or format."),
                   "503": restarting, "default": problem("Any other error.")}},
   "patch": {"operationId": "patchRun", "summary": "Rename and relabel a run: a JSON merge patch (RFC 7396) of name and labels only. If-Match makes it conditional.", "security": security,
     "parameters": [{"name": "If-Match", "in": "header", "required": False, "description": "Apply only if the run's current ETag is one of these (strong comparison; * matches any); 412 otherwise.", "schema": {"type": "string"}}],
     "requestBody": {"required": True, "content": {"application/merge-patch+json": {"schema": {"$ref": "#/components/schemas/RunPatch"}}}},
     "responses": {"200": {"description": "The run as GET /runs lists it, with its new ETag.", "headers": etag_header, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunSummary"}}}},
                   "400": problem("The body is not JSON."), "401": problem("A token is required."), "404": problem("No such run."),
                   "412": problem("If-Match named none of the run's current ETag."),
                   "415": {**problem("The body is not application/merge-patch+json."), "headers": {"Accept-Patch": {"schema": {"type": "string"}}}},
                   "422": problem("A member other than name and labels, a bad name or label, or more labels than allowed after the patch (errors names each)."),
                   "default": problem("Any other error.")}},
   "delete": {"operationId": "deleteRun", "summary": "Cancel the run if needed and remove it.", "security": security,
     "responses": {"204": {"description": "Removed."}, "401": problem("A token is required."), "404": problem("No such run."), "default": problem("Any other error.")}}},
  "/runs/{id}/cancel": {
   "parameters": [run_id_param],
   "post": {"operationId": "cancelRun", "summary": "Stop a queued or running run; answers once its trials have stopped (within ~100 ms) with the final state.", "security": security,
     "responses": {"200": {"description": "The run's final state (cancelled; succeeded if every trial had finished before it stopped) — the same a later GET and the event stream show.", "headers": etag_header, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Run"}}}},
                   "202": {"description": "The trials have not stopped within 10 s (not expected): the state so far; the final state follows.", "headers": etag_header, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Run"}}}},
                   "401": problem("A token is required."), "404": problem("No such run."), "409": problem("The run already finished."), "default": problem("Any other error.")}}},
  "/runs/{id}/events": {
   "parameters": [run_id_param],
   "get": {"operationId": "streamRunEvents", "summary": "The run's event log as Server-Sent Events: per trial its points in order then its terminal trial event; the run's terminal status after every trial's; end last. Every event has an id; Last-Event-ID (or ?after=) resumes exactly after it.", "security": security,
     "parameters": [since_param, after_param,
                    {"name": "Last-Event-ID", "in": "header", "required": False, "description": "The id of the last event received: the stream resumes right after it (wins over after).", "schema": cursor_schema}],
     "responses": {"200": {"description": "An event stream; closes after the `end` event, a `deleted` event, or a `restarting` event (with `retry:`) when the server shuts down. Each event's `data` is one JSON object.", "content": {"text/event-stream": {"schema": {"type": "object", "required": ["data"],
                     "properties": {"id": {"type": "string", "description": "The resume cursor after this event (not on deleted/restarting)."}, "event": {"type": "string", "enum": ["status", "point", "trial", "end", "deleted", "restarting"]},
                                    "retry": {"type": "integer", "description": "On restarting: milliseconds to wait before reconnecting."}, "data": {"type": "string", "contentMediaType": "application/json"}}}}}},
                   "401": problem("A token is required."), "404": problem("No such run."), "422": problem("A malformed since, after or Last-Event-ID (query:/header: names which)."), "default": problem("Any other error.")}}},
  "/runs/{id}/trials/{index}": {
   "parameters": [run_id_param, {"name": "index", "in": "path", "required": True, "description": "The trial's index in the run's trials (0-based); any other segment is a 404.", "schema": {"type": "integer", "minimum": 0}}],
   "get": {"operationId": "getTrial", "summary": "One trial of a run, as the run's trials[index] plus run, trial and the run's resume cursor next; the run's ETag/If-None-Match, since, after, wait, curve windows and CSV, with the trial's own ETag.", "security": security,
     "parameters": [since_param, after_param, wait_param, *window_params, format_param,
                    {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}}],
     "responses": {"200": {"description": "The trial. CSV: trial,alpha,hidden_size,iteration,error.", "headers": etag_header, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TrialOfRun"}}, **csv_content}},
                   "304": {"description": "Unchanged since the ETag sent in If-None-Match.", "headers": etag_header},
                   "401": problem("A token is required."), "404": problem("No such run, or no such trial."),
                   "422": problem("A bad since, after, wait, points, from, to or format."), "503": restarting, "default": problem("Any other error.")}}},
  "/datasets": {"get": {"operationId": "listDatasets", "summary": "The built-in datasets.",
     "responses": {"200": {"description": "Datasets.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DatasetList"}}}}, "default": problem("Any other error.")}}},
  "/healthz": {"get": {"operationId": "health", "summary": "Liveness: the process serves HTTP.",
     "responses": {"200": {"description": "Alive.", "content": {"application/json": {"schema": {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}}}}}, "default": problem("Any other error.")}}},
  "/readyz": {"get": {"operationId": "readiness", "summary": "Readiness: accepting runs (not stopping, data directory writable).",
     "responses": {"200": {"description": "Ready.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Readiness"}}}},
                   "503": {"description": "Not ready; `reasons` says why.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Readiness"}}}}, "default": problem("Any other error.")}}},
  "/metrics": {"get": {"operationId": "metrics", "summary": "Prometheus text format.",
     "responses": {"200": {"description": "Metrics.", "content": {"text/plain": {"schema": {"type": "string"}}}}, "default": problem("Any other error.")}}},
  "/openapi.json": {"get": {"operationId": "openapi", "summary": "This document.",
     "responses": {"200": {"description": "OpenAPI 3.1.", "content": {"application/json": {"schema": {"type": "object"}}}}, "default": problem("Any other error.")}}},
 },
 "components": {
  "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "Only when the server runs with --api-token / BACKPROPD_API_TOKEN."}},
  "schemas": {
   "RunRequest": {"type": "object", "additionalProperties": False, "required": ["dataset", "alphas"],
     "not": {"required": ["hidden_size", "hidden_sizes"]},
     "description": "Also: iterations / error_every ≤ the server's curve-point limit, and the run within its work and weight budgets (422 otherwise).",
     "properties": {
       "dataset": {"oneOf": [{"type": "string", "enum": ["xor", "first-column"], "description": "A built-in dataset (GET /datasets)."}, {"$ref": "#/components/schemas/InlineDataset"}]},
       "alphas": {"type": "array", "minItems": 1, "maxItems": "__MAX_ALPHAS__", "items": {"type": "number", "exclusiveMinimum": 0}},
       "hidden_size": {"type": "integer", "minimum": 0, "maximum": "__MAX_HIDDEN_SIZE__", "default": "__DEFAULT_HIDDEN_SIZE__", "description": "4, or --max-hidden-size when lower, if neither hidden_size nor hidden_sizes is given. 0 trains the 2-layer network (no hidden layer)."},
       "hidden_sizes": {"type": "array", "minItems": 1, "maxItems": "__MAX_HIDDEN_SIZES__", "items": {"type": "integer", "minimum": 0, "maximum": "__MAX_HIDDEN_SIZE__"}, "description": "Instead of hidden_size: the sweep is alphas × hidden_sizes."},
       "iterations": {"type": "integer", "minimum": 1, "maximum": "__MAX_ITERATIONS__", "default": "__DEFAULT_ITERATIONS__", "description": "Default 60000, or --max-iterations when lower."},
       "seed": {"type": "integer", "minimum": 0, "maximum": 4294967295, "default": 1},
       "error_every": {"type": "integer", "minimum": 1, "description": "Default: the largest of 1, 2, 5, 10, 20, 50, … that is ≤ iterations / 1000 (60000 → 50), raised to the next such step when iterations / error_every would exceed --max-curve-points; iterations / error_every ≤ --max-curve-points."},
       "name": {"type": ["string", "null"], "maxLength": "__MAX_NAME_LENGTH__"},
       "labels": {"type": ["object", "null"], "maxProperties": "__MAX_LABELS__", "propertyNames": {"minLength": 1, "maxLength": 64}, "additionalProperties": {"type": "string", "maxLength": 256}}}},
   "InlineDataset": {"type": "object", "additionalProperties": False, "required": ["inputs", "targets"],
     "description": "Rows of equal length, as many target rows as input rows (422 otherwise).",
     "properties": {
       "inputs": {"type": "array", "minItems": 1, "maxItems": "__MAX_SAMPLES__", "items": {"type": "array", "minItems": 1, "maxItems": "__MAX_INPUTS__", "items": {"type": "number", "minimum": -1e9, "maximum": 1e9}}},
       "targets": {"type": "array", "minItems": 1, "maxItems": "__MAX_SAMPLES__", "items": {"type": "array", "minItems": 1, "maxItems": "__MAX_OUTPUTS__", "items": {"type": "number", "minimum": -1e9, "maximum": 1e9}}}}},
   "NormalizedRequest": {"type": "object", "required": ["dataset", "alphas", "hidden_sizes", "iterations", "seed", "error_every", "name", "labels"],
     "properties": {"dataset": {"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/InlineDataset"}]},
       "alphas": {"type": "array", "items": num}, "hidden_sizes": {"type": "array", "items": int_}, "iterations": int_, "seed": int_,
       "error_every": int_, "name": {"type": ["string", "null"]}, "labels": {"type": "object", "additionalProperties": {"type": "string"}}}},
   "RunAccepted": {"type": "object", "additionalProperties": False, "required": ["id", "status", "created_at", "progress", "links"],
     "properties": {"id": {"type": "string", "pattern": "^[0-9a-f]{32}$"}, "status": {"type": "string", "enum": statuses}, "created_at": ts,
       "progress": {"$ref": "#/components/schemas/Progress"},
       "links": {"type": "object", "additionalProperties": False, "required": ["self", "events"], "properties": {"self": {"type": "string"}, "events": {"type": "string"}}}}},
   "Progress": {"type": "object", "required": ["iterations_done", "iterations_total", "trials_done", "trials_total", "fraction"],
     "properties": {"iterations_done": int_, "iterations_total": int_, "trials_done": int_, "trials_total": int_, "fraction": {"type": "number", "minimum": 0, "maximum": 1, "description": "A trial with a terminal status counts whole, so a finished run is 1."}}},
   "Summary": {"type": "object", "required": ["best", "trials_succeeded", "trials_diverged", "trials_cancelled", "trials_learned"],
     "properties": {"best": {"oneOf": [{"type": "null"}, {"type": "object", "required": ["trial", "alpha", "hidden_size", "final_error"],
                      "properties": {"trial": int_, "alpha": num, "hidden_size": int_, "final_error": {"type": ["number", "null"]}}}],
                      "description": "The succeeded trial with the lowest final error among those that learned; null when none did."},
                    "trials_succeeded": int_, "trials_diverged": int_, "trials_cancelled": int_, "trials_learned": int_}},
   "RunSummary": {"type": "object", "required": ["id", "name", "labels", "status", "created_at", "started_at", "finished_at", "queued_ms", "duration_ms", "engine", "fingerprint", "progress", "summary"],
     "properties": {"id": {"type": "string", "pattern": "^[0-9a-f]{32}$"}, "name": {"type": ["string", "null"]},
       "labels": {"type": "object", "additionalProperties": {"type": "string"}}, "status": {"type": "string", "enum": statuses},
       "created_at": ts, "started_at": {**ts, "type": ["string", "null"]}, "finished_at": {**ts, "type": ["string", "null"]},
       "queued_ms": {"type": ["integer", "null"], "minimum": 0, "description": "started_at − created_at; null until it started."},
       "duration_ms": {"type": ["integer", "null"], "minimum": 0, "description": "finished_at − started_at; null until it finished (or if it never started)."},
       "engine": {"type": "object", "required": ["version", "code_path"], "properties": {"version": {"type": "string", "description": "The backpropd version that trained the run."},
                  "code_path": {"type": ["string", "null"], "enum": ["baseline", "avx2", "avx512", None], "description": "The engine's instruction set; null until a trial trained."}}},
       "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{64}$", "description": "SHA-256 of what determines the results (dataset, alphas, hidden sizes, iterations, error_every, seed, engine version; not name or labels): equal fingerprints, identical results. api.md shows how to recompute it."},
       "progress": {"$ref": "#/components/schemas/Progress"}, "summary": {"$ref": "#/components/schemas/Summary"}}},
   "Run": {"allOf": [{"$ref": "#/components/schemas/RunSummary"}, {"type": "object", "required": ["next", "request", "trials"],
     "properties": {"next": {**cursor_schema, "description": "Resume cursor: pass it as ?after= (or Last-Event-ID) to get only what was logged after this answer."},
                    "request": {"$ref": "#/components/schemas/NormalizedRequest"}, "trials": {"type": "array", "items": {"$ref": "#/components/schemas/Trial"}}}}]},
   "Trial": {"type": "object", "required": ["alpha", "hidden_size", "status", "diverged_at_iteration", "iterations_done", "error_curve", "final_error", "learned", "synapses", "direction_changes", "outputs", "batch_duration_ms"],
     "properties": {"alpha": num, "hidden_size": int_, "status": {"type": "string", "enum": ["queued", "running", "succeeded", "diverged", "cancelled"]},
       "diverged_at_iteration": {"type": ["integer", "null"]}, "iterations_done": int_,
       "error_curve": {"type": "array", "items": {"type": "object", "required": ["iteration", "error"], "properties": {"iteration": int_, "error": {"type": ["number", "null"]}}}},
       "final_error": {"type": ["number", "null"]},
       "learned": {"type": ["boolean", "null"], "description": "Did not diverge and the final error is at most half the error at iteration 0; null until the trial has a result."},
       "synapses": {"type": "array", "items": {"type": "array", "items": {"type": "array", "items": {"type": ["number", "null"]}}}, "description": "synapse_0 first; the current weights while running."},
       "direction_changes": {"type": ["array", "null"], "items": imatrix, "description": "Per weight, sign flips of its update between consecutive iterations (finished trials)."},
       "outputs": {"type": ["array", "null"], "items": {"type": "array", "items": {"type": ["number", "null"]}}},
       "batch_duration_ms": {"type": ["number", "null"], "description": "Wall time of the engine batch that trained this trial, from its start until this trial's result was fixed. Trials trained side by side in one batch (SIMD lanes) share it, so the values of a run's trials overlap and do not add up."}}},
   "TrialOfRun": {"allOf": [{"$ref": "#/components/schemas/Trial"}, {"type": "object", "required": ["run", "trial", "next"],
     "properties": {"run": {"type": "string", "pattern": "^[0-9a-f]{32}$"}, "trial": int_, "next": {**cursor_schema, "description": "The run's resume cursor (as its next)."}}}]},
   "RunPatch": {"type": "object", "additionalProperties": False, "description": "RFC 7396: a member absent stays, null removes it. labels: a label set to a string is set, to null removed, the others stay; labels: null removes every label.",
     "properties": {"name": {"type": ["string", "null"], "maxLength": "__MAX_NAME_LENGTH__"},
                    "labels": {"type": ["object", "null"], "maxProperties": "__MAX_LABELS__", "propertyNames": {"minLength": 1, "maxLength": 64}, "additionalProperties": {"type": ["string", "null"], "maxLength": 256}}}},
   "RunList": {"type": "object", "required": ["runs", "next_cursor"], "properties": {"runs": {"type": "array", "items": {"$ref": "#/components/schemas/RunSummary"}}, "next_cursor": {"type": ["string", "null"]}}},
   "DatasetList": {"type": "object", "required": ["datasets"], "properties": {"datasets": {"type": "array", "items": {"type": "object", "required": ["name", "samples", "inputs", "targets"],
     "properties": {"name": {"type": "string"}, "samples": int_, "inputs": matrix, "targets": matrix}}}}},
   "Readiness": {"type": "object", "required": ["status", "reasons"], "properties": {"status": {"type": "string", "enum": ["ready", "not ready"]}, "reasons": {"type": "array", "items": {"type": "string"}}}},
   "Problem": {"type": "object", "required": ["type", "title", "status", "detail"], "description": "RFC 9457 problem details, the shape of every error (also 404, 405, 413 and the other answers of the HTTP layer). The kinds are listed in api.md.",
     "properties": {"type": {"type": "string", "pattern": "^https://backpropd\\.dev/problems/[a-z0-9-]+$"}, "title": {"type": "string"}, "status": int_, "detail": {"type": "string"},
       "instance": {"type": "string", "description": "The request's path (absent only when the request line could not be read)."},
       "errors": {"type": "array", "items": {"type": "object", "required": ["pointer", "detail"], "properties": {"pointer": {"type": "string", "description": "A JSON pointer into the body, or header:NAME / query:NAME."}, "detail": {"type": "string"}}}}}},
  },
 },
}
text = json.dumps(doc, indent=1, ensure_ascii=False)
# Limits the server is configured with are filled in when it starts: "__NAME__" becomes a bare token.
import re
text = re.sub(r'"(__[A-Z_]+__)"', r'\1', text)
assert '"""' not in text
swift = '''/// The OpenAPI 3.1 description of the API, served at `GET /openapi.json`, written by
/// scripts/gen-openapi.py (edit there). Keep it in step with api.md and the handlers:
/// `OperationsAPITests` checks that every route is described.
enum OpenAPIDocument {
    /// The document with the server's configured limits in place of the `__NAME__` tokens.
    static func bytes(limits: ServiceLimits, maxWaitSeconds: Int) -> [UInt8] {
        let values: [String: Int] = [
            "__MAX_ALPHAS__": limits.maxAlphas, "__MAX_HIDDEN_SIZE__": limits.training.maxHiddenSize,
            "__MAX_HIDDEN_SIZES__": limits.maxHiddenSizes, "__MAX_ITERATIONS__": limits.training.maxIterations,
            "__MAX_NAME_LENGTH__": limits.maxNameLength, "__MAX_LABELS__": limits.maxLabels, "__MAX_WAIT__": maxWaitSeconds,
            "__MAX_SAMPLES__": limits.training.maxSamples, "__MAX_INPUTS__": limits.training.maxInputs,
            "__MAX_OUTPUTS__": limits.training.maxOutputs,
            "__DEFAULT_ITERATIONS__": limits.defaultIterations, "__DEFAULT_HIDDEN_SIZE__": limits.defaultHiddenSize,
        ]
        var document = template
        for (token, value) in values { document = document.replacing(token, with: String(value)) }
        return Array(document.utf8)
    }

    static let template = #"""
''' + text + '''
"""#
}
'''
open(__import__('os').path.join(__import__('os').path.dirname(__file__), '..', 'Sources/BackpropService/OpenAPIDocument.swift'), 'w').write(swift)
