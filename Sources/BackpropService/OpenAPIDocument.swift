/// The OpenAPI 3.1 description of the API, served at `GET /openapi.json`, written by
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
{
 "openapi": "3.1.0",
 "info": {
  "title": "backpropd",
  "version": "1.0.0",
  "description": "Train the numpy tutorial's sigmoid networks over HTTP: submit an alpha sweep, poll or stream its learning curves, read the final synapses and direction counts. The contract in prose, with curl examples, is api.md."
 },
 "servers": [
  {
   "url": "http://127.0.0.1:8080"
  }
 ],
 "paths": {
  "/runs": {
   "post": {
    "operationId": "createRun",
    "summary": "Submit a sweep (alphas × hidden sizes).",
    "security": [
     {},
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "description": "Retrying with the same key and body returns the same run; another body gets 422. Printable ASCII, not only spaces (HTTP drops the spaces around a field value).",
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 255,
       "pattern": "^[ -~]*[!-~][ -~]*$"
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/RunRequest"
       }
      }
     }
    },
    "responses": {
     "202": {
      "description": "Accepted and queued (or the run of a replayed Idempotency-Key): a small document, whatever the run's size.",
      "headers": {
       "Location": {
        "schema": {
         "type": "string"
        },
        "description": "/runs/{id}"
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RunAccepted"
        }
       }
      },
      "links": {
       "GetRun": {
        "operationId": "getRun",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "CancelRun": {
        "operationId": "cancelRun",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "DeleteRun": {
        "operationId": "deleteRun",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "StreamRunEvents": {
        "operationId": "streamRunEvents",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "PatchRun": {
        "operationId": "patchRun",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "GetTrial": {
        "operationId": "getTrial",
        "parameters": {
         "id": "$response.body#/id",
         "index": 0
        }
       }
      }
     },
     "400": {
      "description": "The body is not JSON.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "401": {
      "description": "A token is required and was missing or wrong.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "413": {
      "description": "The body exceeds --max-body-bytes.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "415": {
      "description": "The body is not application/json.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "422": {
      "description": "Invalid values; `errors` names each field with a JSON pointer.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "429": {
      "description": "The queue is full (--queue-limit trials waiting).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "headers": {
       "Retry-After": {
        "schema": {
         "type": "integer"
        }
       }
      }
     },
     "503": {
      "description": "The server is stopping or cannot write to its data directory.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "507": {
      "description": "The data directory is full; nothing was accepted.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "default": {
      "description": "Any other error.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   },
   "get": {
    "operationId": "listRuns",
    "summary": "Runs without trials, filtered (label, q, status) and ordered (sort), a page at a time; ETag/If-None-Match. CSV (one row per run) with format=csv or Accept: text/csv.",
    "security": [
     {},
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "limit",
      "in": "query",
      "description": "Runs per page (JSON: default 50; CSV: every run unless given).",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 1000
      }
     },
     {
      "name": "cursor",
      "in": "query",
      "description": "next_cursor of the previous page: <created_at in ms>.<id>, with e<16 hex digits of the best final error's bits>. in front in the best_error order. Any text of this form is a position: the page holds the runs after it in the order asked for.",
      "schema": {
       "type": "string",
       "pattern": "^(e[0-9a-f]{16}\\.)?[0-9]+\\.[0-9a-f]{32}$"
      }
     },
     {
      "name": "status",
      "in": "query",
      "schema": {
       "type": "string",
       "enum": [
        "queued",
        "running",
        "succeeded",
        "cancelled"
       ]
      }
     },
     {
      "name": "label",
      "in": "query",
      "description": "KEY:VALUE (the first colon splits them); repeatable: every label given must match. No NUL (%00 is refused in any query, 400).",
      "style": "form",
      "explode": true,
      "schema": {
       "type": "array",
       "items": {
        "type": "string",
        "pattern": "^[^:\\u0000]+:[^\\u0000]*$"
       }
      }
     },
     {
      "name": "q",
      "in": "query",
      "description": "Text in the run's name, case-insensitive (empty: no filter).",
      "schema": {
       "type": "string",
       "maxLength": 200,
       "pattern": "^[^\\u0000]*$"
      }
     },
     {
      "name": "sort",
      "in": "query",
      "description": "created_at: newest first (default); best_error: lowest best final error first, runs without a result last (newest first among them).",
      "schema": {
       "type": "string",
       "enum": [
        "created_at",
        "best_error"
       ],
       "default": "created_at"
      }
     },
     {
      "name": "format",
      "in": "query",
      "required": false,
      "description": "json or csv; wins over Accept (without it, Accept: text/csv ranked above JSON gives CSV).",
      "schema": {
       "type": "string",
       "enum": [
        "json",
        "csv"
       ]
      }
     },
     {
      "name": "If-None-Match",
      "in": "header",
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "A page of runs (a cut page links to the next: Link rel=next). CSV: id,name,status,created_at,finished_at,best_alpha,best_hidden_size,best_final_error, then label:KEY for every label key on the rows.",
      "headers": {
       "ETag": {
        "description": "Strong validator of this representation; send it back in If-None-Match.",
        "schema": {
         "type": "string"
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RunList"
        }
       },
       "text/csv": {
        "schema": {
         "type": "string",
         "description": "RFC 4180, UTF-8, CRLF line ends, a header row first."
        }
       }
      }
     },
     "304": {
      "description": "The page is unchanged since the ETag sent in If-None-Match (a hash of the page: valid across restarts).",
      "headers": {
       "ETag": {
        "description": "Strong validator of this representation; send it back in If-None-Match.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "401": {
      "description": "A token is required.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "422": {
      "description": "A bad limit, cursor, status, label, q, sort or format (query:NAME names each).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "default": {
      "description": "Any other error.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   }
  },
  "/runs/{id}": {
   "parameters": [
    {
     "name": "id",
     "in": "path",
     "required": true,
     "description": "The run id (32 lowercase hex digits; any other segment is a 404).",
     "schema": {
      "type": "string",
      "pattern": "^[0-9a-f]{32}$"
     }
    }
   ],
   "get": {
    "operationId": "getRun",
    "summary": "A run with its trials; supports ETag/If-None-Match, ?after= resume cursors, ?since= and ?wait= long-polling, curve windows (points, from, to) and CSV (one row per curve point).",
    "security": [
     {},
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "since",
      "in": "query",
      "required": false,
      "description": "Only curve points with an iteration greater than this.",
      "schema": {
       "type": "integer",
       "minimum": -1
      }
     },
     {
      "name": "after",
      "in": "query",
      "required": false,
      "description": "A resume cursor: the `next` of an earlier answer or an event's `id`. Only what was logged after it (every point exactly once across answers); a cursor past the end means after everything.",
      "schema": {
       "type": "string",
       "pattern": "^([1-9][0-9]{0,11}\\.)?[0-9]{1,12}$"
      }
     },
     {
      "name": "wait",
      "in": "query",
      "description": "Long-poll up to this many seconds (≤ --max-wait) until there is something new: an ETag other than If-None-Match, else events after `after`, else a newer point than `since` or the end, else any change or the end. An answer that would be 304 (or, with after, empty) waits the whole time, also on a finished run.",
      "schema": {
       "type": "integer",
       "minimum": 0,
       "maximum": __MAX_WAIT__
      }
     },
     {
      "name": "points",
      "in": "query",
      "required": false,
      "description": "At most this many points per curve (over the window): the first and last point, and per bucket of consecutive points its lowest and highest error, so a spike is never dropped. A window of no more points comes back whole. Without it, every point.",
      "schema": {
       "type": "integer",
       "minimum": 4,
       "maximum": 100000
      }
     },
     {
      "name": "from",
      "in": "query",
      "required": false,
      "description": "Only curve points at this iteration or later (inclusive).",
      "schema": {
       "type": "integer",
       "minimum": 0
      }
     },
     {
      "name": "to",
      "in": "query",
      "required": false,
      "description": "Only curve points at this iteration or earlier (inclusive); to < from is an empty window.",
      "schema": {
       "type": "integer",
       "minimum": 0
      }
     },
     {
      "name": "format",
      "in": "query",
      "required": false,
      "description": "json or csv; wins over Accept (without it, Accept: text/csv ranked above JSON gives CSV).",
      "schema": {
       "type": "string",
       "enum": [
        "json",
        "csv"
       ]
      }
     },
     {
      "name": "If-None-Match",
      "in": "header",
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "The run. CSV: trial,alpha,hidden_size,iteration,error, one row per curve point kept.",
      "headers": {
       "ETag": {
        "description": "Strong validator of this representation; send it back in If-None-Match.",
        "schema": {
         "type": "string"
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Run"
        }
       },
       "text/csv": {
        "schema": {
         "type": "string",
         "description": "RFC 4180, UTF-8, CRLF line ends, a header row first."
        }
       }
      }
     },
     "304": {
      "description": "Unchanged since the ETag sent in If-None-Match.",
      "headers": {
       "ETag": {
        "description": "Strong validator of this representation; send it back in If-None-Match.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "401": {
      "description": "A token is required.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "No such run.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "422": {
      "description": "A bad since, after, wait, points, from, to or format.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "503": {
      "description": "The server is shutting down (a long-poll it interrupted); ask its successor after Retry-After seconds.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "headers": {
       "Retry-After": {
        "schema": {
         "type": "integer"
        }
       }
      }
     },
     "default": {
      "description": "Any other error.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   },
   "patch": {
    "operationId": "patchRun",
    "summary": "Rename and relabel a run: a JSON merge patch (RFC 7396) of name and labels only. If-Match makes it conditional.",
    "security": [
     {},
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "If-Match",
      "in": "header",
      "required": false,
      "description": "Apply only if the run's current ETag is one of these (strong comparison; * matches any); 412 otherwise.",
      "schema": {
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/merge-patch+json": {
       "schema": {
        "$ref": "#/components/schemas/RunPatch"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The run as GET /runs lists it, with its new ETag.",
      "headers": {
       "ETag": {
        "description": "Strong validator of this representation; send it back in If-None-Match.",
        "schema": {
         "type": "string"
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RunSummary"
        }
       }
      }
     },
     "400": {
      "description": "The body is not JSON.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "401": {
      "description": "A token is required.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "No such run.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "412": {
      "description": "If-Match named none of the run's current ETag.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "415": {
      "description": "The body is not application/merge-patch+json.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "headers": {
       "Accept-Patch": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "422": {
      "description": "A member other than name and labels, a bad name or label, or more labels than allowed after the patch (errors names each).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "default": {
      "description": "Any other error.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   },
   "delete": {
    "operationId": "deleteRun",
    "summary": "Cancel the run if needed and remove it.",
    "security": [
     {},
     {
      "bearer": []
     }
    ],
    "responses": {
     "204": {
      "description": "Removed."
     },
     "401": {
      "description": "A token is required.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "No such run.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "default": {
      "description": "Any other error.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   }
  },
  "/runs/{id}/cancel": {
   "parameters": [
    {
     "name": "id",
     "in": "path",
     "required": true,
     "description": "The run id (32 lowercase hex digits; any other segment is a 404).",
     "schema": {
      "type": "string",
      "pattern": "^[0-9a-f]{32}$"
     }
    }
   ],
   "post": {
    "operationId": "cancelRun",
    "summary": "Stop a queued or running run; answers once its trials have stopped (within ~100 ms) with the final state.",
    "security": [
     {},
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The run's final state (cancelled; succeeded if every trial had finished before it stopped) — the same a later GET and the event stream show.",
      "headers": {
       "ETag": {
        "description": "Strong validator of this representation; send it back in If-None-Match.",
        "schema": {
         "type": "string"
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Run"
        }
       }
      }
     },
     "202": {
      "description": "The trials have not stopped within 10 s (not expected): the state so far; the final state follows.",
      "headers": {
       "ETag": {
        "description": "Strong validator of this representation; send it back in If-None-Match.",
        "schema": {
         "type": "string"
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Run"
        }
       }
      }
     },
     "401": {
      "description": "A token is required.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "No such run.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "409": {
      "description": "The run already finished.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "default": {
      "description": "Any other error.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   }
  },
  "/runs/{id}/events": {
   "parameters": [
    {
     "name": "id",
     "in": "path",
     "required": true,
     "description": "The run id (32 lowercase hex digits; any other segment is a 404).",
     "schema": {
      "type": "string",
      "pattern": "^[0-9a-f]{32}$"
     }
    }
   ],
   "get": {
    "operationId": "streamRunEvents",
    "summary": "The run's event log as Server-Sent Events: per trial its points in order then its terminal trial event; the run's terminal status after every trial's; end last. Every event has an id; Last-Event-ID (or ?after=) resumes exactly after it.",
    "security": [
     {},
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "since",
      "in": "query",
      "required": false,
      "description": "Only curve points with an iteration greater than this.",
      "schema": {
       "type": "integer",
       "minimum": -1
      }
     },
     {
      "name": "after",
      "in": "query",
      "required": false,
      "description": "A resume cursor: the `next` of an earlier answer or an event's `id`. Only what was logged after it (every point exactly once across answers); a cursor past the end means after everything.",
      "schema": {
       "type": "string",
       "pattern": "^([1-9][0-9]{0,11}\\.)?[0-9]{1,12}$"
      }
     },
     {
      "name": "Last-Event-ID",
      "in": "header",
      "required": false,
      "description": "The id of the last event received: the stream resumes right after it (wins over after).",
      "schema": {
       "type": "string",
       "pattern": "^([1-9][0-9]{0,11}\\.)?[0-9]{1,12}$"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "An event stream; closes after the `end` event, a `deleted` event, or a `restarting` event (with `retry:`) when the server shuts down. Each event's `data` is one JSON object.",
      "content": {
       "text/event-stream": {
        "schema": {
         "type": "object",
         "required": [
          "data"
         ],
         "properties": {
          "id": {
           "type": "string",
           "description": "The resume cursor after this event (not on deleted/restarting)."
          },
          "event": {
           "type": "string",
           "enum": [
            "status",
            "point",
            "trial",
            "end",
            "deleted",
            "restarting"
           ]
          },
          "retry": {
           "type": "integer",
           "description": "On restarting: milliseconds to wait before reconnecting."
          },
          "data": {
           "type": "string",
           "contentMediaType": "application/json"
          }
         }
        }
       }
      }
     },
     "401": {
      "description": "A token is required.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "No such run.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "422": {
      "description": "A malformed since, after or Last-Event-ID (query:/header: names which).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "default": {
      "description": "Any other error.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   }
  },
  "/runs/{id}/trials/{index}": {
   "parameters": [
    {
     "name": "id",
     "in": "path",
     "required": true,
     "description": "The run id (32 lowercase hex digits; any other segment is a 404).",
     "schema": {
      "type": "string",
      "pattern": "^[0-9a-f]{32}$"
     }
    },
    {
     "name": "index",
     "in": "path",
     "required": true,
     "description": "The trial's index in the run's trials (0-based); any other segment is a 404.",
     "schema": {
      "type": "integer",
      "minimum": 0
     }
    }
   ],
   "get": {
    "operationId": "getTrial",
    "summary": "One trial of a run, as the run's trials[index] plus run, trial and the run's resume cursor next; the run's ETag/If-None-Match, since, after, wait, curve windows and CSV, with the trial's own ETag.",
    "security": [
     {},
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "since",
      "in": "query",
      "required": false,
      "description": "Only curve points with an iteration greater than this.",
      "schema": {
       "type": "integer",
       "minimum": -1
      }
     },
     {
      "name": "after",
      "in": "query",
      "required": false,
      "description": "A resume cursor: the `next` of an earlier answer or an event's `id`. Only what was logged after it (every point exactly once across answers); a cursor past the end means after everything.",
      "schema": {
       "type": "string",
       "pattern": "^([1-9][0-9]{0,11}\\.)?[0-9]{1,12}$"
      }
     },
     {
      "name": "wait",
      "in": "query",
      "description": "Long-poll up to this many seconds (≤ --max-wait) until there is something new: an ETag other than If-None-Match, else events after `after`, else a newer point than `since` or the end, else any change or the end. An answer that would be 304 (or, with after, empty) waits the whole time, also on a finished run.",
      "schema": {
       "type": "integer",
       "minimum": 0,
       "maximum": __MAX_WAIT__
      }
     },
     {
      "name": "points",
      "in": "query",
      "required": false,
      "description": "At most this many points per curve (over the window): the first and last point, and per bucket of consecutive points its lowest and highest error, so a spike is never dropped. A window of no more points comes back whole. Without it, every point.",
      "schema": {
       "type": "integer",
       "minimum": 4,
       "maximum": 100000
      }
     },
     {
      "name": "from",
      "in": "query",
      "required": false,
      "description": "Only curve points at this iteration or later (inclusive).",
      "schema": {
       "type": "integer",
       "minimum": 0
      }
     },
     {
      "name": "to",
      "in": "query",
      "required": false,
      "description": "Only curve points at this iteration or earlier (inclusive); to < from is an empty window.",
      "schema": {
       "type": "integer",
       "minimum": 0
      }
     },
     {
      "name": "format",
      "in": "query",
      "required": false,
      "description": "json or csv; wins over Accept (without it, Accept: text/csv ranked above JSON gives CSV).",
      "schema": {
       "type": "string",
       "enum": [
        "json",
        "csv"
       ]
      }
     },
     {
      "name": "If-None-Match",
      "in": "header",
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "The trial. CSV: trial,alpha,hidden_size,iteration,error.",
      "headers": {
       "ETag": {
        "description": "Strong validator of this representation; send it back in If-None-Match.",
        "schema": {
         "type": "string"
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/TrialOfRun"
        }
       },
       "text/csv": {
        "schema": {
         "type": "string",
         "description": "RFC 4180, UTF-8, CRLF line ends, a header row first."
        }
       }
      }
     },
     "304": {
      "description": "Unchanged since the ETag sent in If-None-Match.",
      "headers": {
       "ETag": {
        "description": "Strong validator of this representation; send it back in If-None-Match.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "401": {
      "description": "A token is required.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "No such run, or no such trial.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "422": {
      "description": "A bad since, after, wait, points, from, to or format.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "503": {
      "description": "The server is shutting down (a long-poll it interrupted); ask its successor after Retry-After seconds.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "headers": {
       "Retry-After": {
        "schema": {
         "type": "integer"
        }
       }
      }
     },
     "default": {
      "description": "Any other error.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   }
  },
  "/datasets": {
   "get": {
    "operationId": "listDatasets",
    "summary": "The built-in datasets.",
    "responses": {
     "200": {
      "description": "Datasets.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/DatasetList"
        }
       }
      }
     },
     "default": {
      "description": "Any other error.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   }
  },
  "/healthz": {
   "get": {
    "operationId": "health",
    "summary": "Liveness: the process serves HTTP.",
    "responses": {
     "200": {
      "description": "Alive.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "status"
         ],
         "properties": {
          "status": {
           "const": "ok"
          }
         }
        }
       }
      }
     },
     "default": {
      "description": "Any other error.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   }
  },
  "/readyz": {
   "get": {
    "operationId": "readiness",
    "summary": "Readiness: accepting runs (not stopping, data directory writable).",
    "responses": {
     "200": {
      "description": "Ready.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Readiness"
        }
       }
      }
     },
     "503": {
      "description": "Not ready; `reasons` says why.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Readiness"
        }
       }
      }
     },
     "default": {
      "description": "Any other error.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   }
  },
  "/metrics": {
   "get": {
    "operationId": "metrics",
    "summary": "Prometheus text format.",
    "responses": {
     "200": {
      "description": "Metrics.",
      "content": {
       "text/plain": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "default": {
      "description": "Any other error.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   }
  },
  "/openapi.json": {
   "get": {
    "operationId": "openapi",
    "summary": "This document.",
    "responses": {
     "200": {
      "description": "OpenAPI 3.1.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "default": {
      "description": "Any other error.",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   }
  }
 },
 "components": {
  "securitySchemes": {
   "bearer": {
    "type": "http",
    "scheme": "bearer",
    "description": "Only when the server runs with --api-token / BACKPROPD_API_TOKEN."
   }
  },
  "schemas": {
   "RunRequest": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "dataset",
     "alphas"
    ],
    "not": {
     "required": [
      "hidden_size",
      "hidden_sizes"
     ]
    },
    "description": "Also: iterations / error_every ≤ the server's curve-point limit, and the run within its work and weight budgets (422 otherwise).",
    "properties": {
     "dataset": {
      "oneOf": [
       {
        "type": "string",
        "enum": [
         "xor",
         "first-column"
        ],
        "description": "A built-in dataset (GET /datasets)."
       },
       {
        "$ref": "#/components/schemas/InlineDataset"
       }
      ]
     },
     "alphas": {
      "type": "array",
      "minItems": 1,
      "maxItems": __MAX_ALPHAS__,
      "items": {
       "type": "number",
       "exclusiveMinimum": 0
      }
     },
     "hidden_size": {
      "type": "integer",
      "minimum": 0,
      "maximum": __MAX_HIDDEN_SIZE__,
      "default": __DEFAULT_HIDDEN_SIZE__,
      "description": "4, or --max-hidden-size when lower, if neither hidden_size nor hidden_sizes is given. 0 trains the 2-layer network (no hidden layer)."
     },
     "hidden_sizes": {
      "type": "array",
      "minItems": 1,
      "maxItems": __MAX_HIDDEN_SIZES__,
      "items": {
       "type": "integer",
       "minimum": 0,
       "maximum": __MAX_HIDDEN_SIZE__
      },
      "description": "Instead of hidden_size: the sweep is alphas × hidden_sizes."
     },
     "iterations": {
      "type": "integer",
      "minimum": 1,
      "maximum": __MAX_ITERATIONS__,
      "default": __DEFAULT_ITERATIONS__,
      "description": "Default 60000, or --max-iterations when lower."
     },
     "seed": {
      "type": "integer",
      "minimum": 0,
      "maximum": 4294967295,
      "default": 1
     },
     "error_every": {
      "type": "integer",
      "minimum": 1,
      "description": "Default: the largest of 1, 2, 5, 10, 20, 50, … that is ≤ iterations / 1000 (60000 → 50), raised to the next such step when iterations / error_every would exceed --max-curve-points; iterations / error_every ≤ --max-curve-points."
     },
     "name": {
      "type": [
       "string",
       "null"
      ],
      "maxLength": __MAX_NAME_LENGTH__
     },
     "labels": {
      "type": [
       "object",
       "null"
      ],
      "maxProperties": __MAX_LABELS__,
      "propertyNames": {
       "minLength": 1,
       "maxLength": 64
      },
      "additionalProperties": {
       "type": "string",
       "maxLength": 256
      }
     }
    }
   },
   "InlineDataset": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "inputs",
     "targets"
    ],
    "description": "Rows of equal length, as many target rows as input rows (422 otherwise).",
    "properties": {
     "inputs": {
      "type": "array",
      "minItems": 1,
      "maxItems": __MAX_SAMPLES__,
      "items": {
       "type": "array",
       "minItems": 1,
       "maxItems": __MAX_INPUTS__,
       "items": {
        "type": "number",
        "minimum": -1000000000.0,
        "maximum": 1000000000.0
       }
      }
     },
     "targets": {
      "type": "array",
      "minItems": 1,
      "maxItems": __MAX_SAMPLES__,
      "items": {
       "type": "array",
       "minItems": 1,
       "maxItems": __MAX_OUTPUTS__,
       "items": {
        "type": "number",
        "minimum": -1000000000.0,
        "maximum": 1000000000.0
       }
      }
     }
    }
   },
   "NormalizedRequest": {
    "type": "object",
    "required": [
     "dataset",
     "alphas",
     "hidden_sizes",
     "iterations",
     "seed",
     "error_every",
     "name",
     "labels"
    ],
    "properties": {
     "dataset": {
      "oneOf": [
       {
        "type": "string"
       },
       {
        "$ref": "#/components/schemas/InlineDataset"
       }
      ]
     },
     "alphas": {
      "type": "array",
      "items": {
       "type": "number"
      }
     },
     "hidden_sizes": {
      "type": "array",
      "items": {
       "type": "integer"
      }
     },
     "iterations": {
      "type": "integer"
     },
     "seed": {
      "type": "integer"
     },
     "error_every": {
      "type": "integer"
     },
     "name": {
      "type": [
       "string",
       "null"
      ]
     },
     "labels": {
      "type": "object",
      "additionalProperties": {
       "type": "string"
      }
     }
    }
   },
   "RunAccepted": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "id",
     "status",
     "created_at",
     "progress",
     "links"
    ],
    "properties": {
     "id": {
      "type": "string",
      "pattern": "^[0-9a-f]{32}$"
     },
     "status": {
      "type": "string",
      "enum": [
       "queued",
       "running",
       "succeeded",
       "cancelled"
      ]
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "progress": {
      "$ref": "#/components/schemas/Progress"
     },
     "links": {
      "type": "object",
      "additionalProperties": false,
      "required": [
       "self",
       "events"
      ],
      "properties": {
       "self": {
        "type": "string"
       },
       "events": {
        "type": "string"
       }
      }
     }
    }
   },
   "Progress": {
    "type": "object",
    "required": [
     "iterations_done",
     "iterations_total",
     "trials_done",
     "trials_total",
     "fraction"
    ],
    "properties": {
     "iterations_done": {
      "type": "integer"
     },
     "iterations_total": {
      "type": "integer"
     },
     "trials_done": {
      "type": "integer"
     },
     "trials_total": {
      "type": "integer"
     },
     "fraction": {
      "type": "number",
      "minimum": 0,
      "maximum": 1,
      "description": "A trial with a terminal status counts whole, so a finished run is 1."
     }
    }
   },
   "Summary": {
    "type": "object",
    "required": [
     "best",
     "trials_succeeded",
     "trials_diverged",
     "trials_cancelled",
     "trials_learned"
    ],
    "properties": {
     "best": {
      "oneOf": [
       {
        "type": "null"
       },
       {
        "type": "object",
        "required": [
         "trial",
         "alpha",
         "hidden_size",
         "final_error"
        ],
        "properties": {
         "trial": {
          "type": "integer"
         },
         "alpha": {
          "type": "number"
         },
         "hidden_size": {
          "type": "integer"
         },
         "final_error": {
          "type": [
           "number",
           "null"
          ]
         }
        }
       }
      ],
      "description": "The succeeded trial with the lowest final error among those that learned; null when none did."
     },
     "trials_succeeded": {
      "type": "integer"
     },
     "trials_diverged": {
      "type": "integer"
     },
     "trials_cancelled": {
      "type": "integer"
     },
     "trials_learned": {
      "type": "integer"
     }
    }
   },
   "RunSummary": {
    "type": "object",
    "required": [
     "id",
     "name",
     "labels",
     "status",
     "created_at",
     "started_at",
     "finished_at",
     "queued_ms",
     "duration_ms",
     "engine",
     "fingerprint",
     "progress",
     "summary"
    ],
    "properties": {
     "id": {
      "type": "string",
      "pattern": "^[0-9a-f]{32}$"
     },
     "name": {
      "type": [
       "string",
       "null"
      ]
     },
     "labels": {
      "type": "object",
      "additionalProperties": {
       "type": "string"
      }
     },
     "status": {
      "type": "string",
      "enum": [
       "queued",
       "running",
       "succeeded",
       "cancelled"
      ]
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "started_at": {
      "type": [
       "string",
       "null"
      ],
      "format": "date-time"
     },
     "finished_at": {
      "type": [
       "string",
       "null"
      ],
      "format": "date-time"
     },
     "queued_ms": {
      "type": [
       "integer",
       "null"
      ],
      "minimum": 0,
      "description": "started_at − created_at; null until it started."
     },
     "duration_ms": {
      "type": [
       "integer",
       "null"
      ],
      "minimum": 0,
      "description": "finished_at − started_at; null until it finished (or if it never started)."
     },
     "engine": {
      "type": "object",
      "required": [
       "version",
       "code_path"
      ],
      "properties": {
       "version": {
        "type": "string",
        "description": "The backpropd version that trained the run."
       },
       "code_path": {
        "type": [
         "string",
         "null"
        ],
        "enum": [
         "baseline",
         "avx2",
         "avx512",
         null
        ],
        "description": "The engine's instruction set; null until a trial trained."
       }
      }
     },
     "fingerprint": {
      "type": "string",
      "pattern": "^[0-9a-f]{64}$",
      "description": "SHA-256 of what determines the results (dataset, alphas, hidden sizes, iterations, error_every, seed, engine version; not name or labels): equal fingerprints, identical results. api.md shows how to recompute it."
     },
     "progress": {
      "$ref": "#/components/schemas/Progress"
     },
     "summary": {
      "$ref": "#/components/schemas/Summary"
     }
    }
   },
   "Run": {
    "allOf": [
     {
      "$ref": "#/components/schemas/RunSummary"
     },
     {
      "type": "object",
      "required": [
       "next",
       "request",
       "trials"
      ],
      "properties": {
       "next": {
        "type": "string",
        "pattern": "^([1-9][0-9]{0,11}\\.)?[0-9]{1,12}$",
        "description": "Resume cursor: pass it as ?after= (or Last-Event-ID) to get only what was logged after this answer."
       },
       "request": {
        "$ref": "#/components/schemas/NormalizedRequest"
       },
       "trials": {
        "type": "array",
        "items": {
         "$ref": "#/components/schemas/Trial"
        }
       }
      }
     }
    ]
   },
   "Trial": {
    "type": "object",
    "required": [
     "alpha",
     "hidden_size",
     "status",
     "diverged_at_iteration",
     "iterations_done",
     "error_curve",
     "final_error",
     "learned",
     "synapses",
     "direction_changes",
     "outputs",
     "batch_duration_ms"
    ],
    "properties": {
     "alpha": {
      "type": "number"
     },
     "hidden_size": {
      "type": "integer"
     },
     "status": {
      "type": "string",
      "enum": [
       "queued",
       "running",
       "succeeded",
       "diverged",
       "cancelled"
      ]
     },
     "diverged_at_iteration": {
      "type": [
       "integer",
       "null"
      ]
     },
     "iterations_done": {
      "type": "integer"
     },
     "error_curve": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "iteration",
        "error"
       ],
       "properties": {
        "iteration": {
         "type": "integer"
        },
        "error": {
         "type": [
          "number",
          "null"
         ]
        }
       }
      }
     },
     "final_error": {
      "type": [
       "number",
       "null"
      ]
     },
     "learned": {
      "type": [
       "boolean",
       "null"
      ],
      "description": "Did not diverge and the final error is at most half the error at iteration 0; null until the trial has a result."
     },
     "synapses": {
      "type": "array",
      "items": {
       "type": "array",
       "items": {
        "type": "array",
        "items": {
         "type": [
          "number",
          "null"
         ]
        }
       }
      },
      "description": "synapse_0 first; the current weights while running."
     },
     "direction_changes": {
      "type": [
       "array",
       "null"
      ],
      "items": {
       "type": "array",
       "items": {
        "type": "array",
        "items": {
         "type": "integer"
        }
       }
      },
      "description": "Per weight, sign flips of its update between consecutive iterations (finished trials)."
     },
     "outputs": {
      "type": [
       "array",
       "null"
      ],
      "items": {
       "type": "array",
       "items": {
        "type": [
         "number",
         "null"
        ]
       }
      }
     },
     "batch_duration_ms": {
      "type": [
       "number",
       "null"
      ],
      "description": "Wall time of the engine batch that trained this trial, from its start until this trial's result was fixed. Trials trained side by side in one batch (SIMD lanes) share it, so the values of a run's trials overlap and do not add up."
     }
    }
   },
   "TrialOfRun": {
    "allOf": [
     {
      "$ref": "#/components/schemas/Trial"
     },
     {
      "type": "object",
      "required": [
       "run",
       "trial",
       "next"
      ],
      "properties": {
       "run": {
        "type": "string",
        "pattern": "^[0-9a-f]{32}$"
       },
       "trial": {
        "type": "integer"
       },
       "next": {
        "type": "string",
        "pattern": "^([1-9][0-9]{0,11}\\.)?[0-9]{1,12}$",
        "description": "The run's resume cursor (as its next)."
       }
      }
     }
    ]
   },
   "RunPatch": {
    "type": "object",
    "additionalProperties": false,
    "description": "RFC 7396: a member absent stays, null removes it. labels: a label set to a string is set, to null removed, the others stay; labels: null removes every label.",
    "properties": {
     "name": {
      "type": [
       "string",
       "null"
      ],
      "maxLength": __MAX_NAME_LENGTH__
     },
     "labels": {
      "type": [
       "object",
       "null"
      ],
      "maxProperties": __MAX_LABELS__,
      "propertyNames": {
       "minLength": 1,
       "maxLength": 64
      },
      "additionalProperties": {
       "type": [
        "string",
        "null"
       ],
       "maxLength": 256
      }
     }
    }
   },
   "RunList": {
    "type": "object",
    "required": [
     "runs",
     "next_cursor"
    ],
    "properties": {
     "runs": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/RunSummary"
      }
     },
     "next_cursor": {
      "type": [
       "string",
       "null"
      ]
     }
    }
   },
   "DatasetList": {
    "type": "object",
    "required": [
     "datasets"
    ],
    "properties": {
     "datasets": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "name",
        "samples",
        "inputs",
        "targets"
       ],
       "properties": {
        "name": {
         "type": "string"
        },
        "samples": {
         "type": "integer"
        },
        "inputs": {
         "type": "array",
         "items": {
          "type": "array",
          "items": {
           "type": "number"
          }
         }
        },
        "targets": {
         "type": "array",
         "items": {
          "type": "array",
          "items": {
           "type": "number"
          }
         }
        }
       }
      }
     }
    }
   },
   "Readiness": {
    "type": "object",
    "required": [
     "status",
     "reasons"
    ],
    "properties": {
     "status": {
      "type": "string",
      "enum": [
       "ready",
       "not ready"
      ]
     },
     "reasons": {
      "type": "array",
      "items": {
       "type": "string"
      }
     }
    }
   },
   "Problem": {
    "type": "object",
    "required": [
     "type",
     "title",
     "status",
     "detail"
    ],
    "description": "RFC 9457 problem details, the shape of every error (also 404, 405, 413 and the other answers of the HTTP layer). The kinds are listed in api.md.",
    "properties": {
     "type": {
      "type": "string",
      "pattern": "^https://backpropd\\.dev/problems/[a-z0-9-]+$"
     },
     "title": {
      "type": "string"
     },
     "status": {
      "type": "integer"
     },
     "detail": {
      "type": "string"
     },
     "instance": {
      "type": "string",
      "description": "The request's path (absent only when the request line could not be read)."
     },
     "errors": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "pointer",
        "detail"
       ],
       "properties": {
        "pointer": {
         "type": "string",
         "description": "A JSON pointer into the body, or header:NAME / query:NAME."
        },
        "detail": {
         "type": "string"
        }
       }
      }
     }
    }
   }
  }
 }
}
"""#
}
