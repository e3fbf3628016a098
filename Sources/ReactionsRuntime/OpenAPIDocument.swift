/// `schema/openapi/v1.json`, served at `GET /api/v1/openapi.json` from the binary (which
/// has no files beside it). The schema tests keep this copy equal to the file.
enum OpenAPIDocument {
    static let text = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "reactions admin API",
    "version": "1",
    "description": "The admin API of `reactions serve`. Every route takes `Authorization: Bearer <token>`; a token's scope (read < plan < apply < admin, from REACTIONS_READ_TOKEN, REACTIONS_PLAN_TOKEN, REACTIONS_APPLY_TOKEN, REACTIONS_ADMIN_TOKEN) must reach the route's `x-reactions-scope`. A script's short-lived token may only emit events and record deploys. The API answers 404 on every route when the server has no token."
  },
  "paths": {
    "/api/v1/deploys": {
      "get": {
        "operationId": "listDeploys",
        "summary": "Recorded deploys, the last received first.",
        "x-reactions-scope": "read",
        "security": [
          {
            "bearer": []
          }
        ],
        "parameters": [
          {
            "name": "service",
            "in": "query",
            "required": false,
            "description": "A service's name or alias; also deploys sent under its aliases before they were declared.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "environment",
            "in": "query",
            "required": false,
            "description": "Only this environment.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "since",
            "in": "query",
            "required": false,
            "description": "Only deploys received at or after this time (RFC 3339, or 2019-02-01 13:28:33 as UTC).",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "At most this many, newest first (default 50).",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The deploys.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "deploys"
                  ],
                  "properties": {
                    "deploys": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Deploy"
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/Internal"
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          }
        }
      },
      "post": {
        "operationId": "recordDeploy",
        "summary": "Record a deploy (the OpsLevel payload), answered as the deploy endpoint would.",
        "x-reactions-scope": "admin (or a script's token)",
        "security": [
          {
            "bearer": []
          }
        ],
        "parameters": [
          {
            "name": "endpoint",
            "in": "query",
            "required": false,
            "description": "The declared deploy endpoint to record it under; may be left out when there is one.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "202": {
            "description": "Recorded, or a duplicate, or no service matched (a suggestion).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeployResult"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/Internal"
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          }
        },
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/DeployPayload"
              }
            }
          }
        }
      }
    },
    "/api/v1/suggestions": {
      "get": {
        "operationId": "listSuggestions",
        "summary": "Service names deploys used that no service declares.",
        "x-reactions-scope": "read",
        "security": [
          {
            "bearer": []
          }
        ],
        "parameters": [],
        "responses": {
          "200": {
            "description": "The suggestions.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "suggestions"
                  ],
                  "properties": {
                    "suggestions": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Suggestion"
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/Internal"
          }
        }
      }
    },
    "/api/v1/events": {
      "get": {
        "operationId": "listEvents",
        "summary": "Stored events (CloudEvents 1.0 envelopes), newest first.",
        "x-reactions-scope": "read",
        "security": [
          {
            "bearer": []
          }
        ],
        "parameters": [
          {
            "name": "type",
            "in": "query",
            "required": false,
            "description": "Only events of this type.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "At most this many, newest first (default 50).",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The events.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "events"
                  ],
                  "properties": {
                    "events": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/CloudEvent"
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/Internal"
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          }
        }
      },
      "post": {
        "operationId": "emitEvent",
        "summary": "Emit a custom event.",
        "x-reactions-scope": "admin (or a script's token)",
        "security": [
          {
            "bearer": []
          }
        ],
        "parameters": [],
        "responses": {
          "202": {
            "description": "Stored; the reactions it fires are queued.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "event_id",
                    "reactions"
                  ],
                  "properties": {
                    "event_id": {
                      "type": "string"
                    },
                    "reactions": {
                      "type": "integer"
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/Internal"
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          }
        },
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "type"
                ],
                "properties": {
                  "type": {
                    "type": "string",
                    "pattern": "^custom\\."
                  },
                  "data": {},
                  "subject": {
                    "type": "string"
                  },
                  "service": {
                    "type": "string"
                  },
                  "environment": {
                    "type": "string"
                  }
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/events/{id}": {
      "get": {
        "operationId": "getEvent",
        "summary": "One recorded event as it was received, and the revision it arrived under (`reactions test --from-event ID --server`).",
        "x-reactions-scope": "read",
        "security": [
          {
            "bearer": []
          }
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The event.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "event",
                    "revision"
                  ],
                  "properties": {
                    "event": {
                      "$ref": "#/components/schemas/CloudEvent"
                    },
                    "revision": {
                      "type": [
                        "integer",
                        "null"
                      ]
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/Internal"
          }
        }
      }
    },
    "/api/v1/state": {
      "get": {
        "operationId": "getState",
        "summary": "The revision being served and the head of the state.",
        "x-reactions-scope": "read",
        "security": [
          {
            "bearer": []
          }
        ],
        "parameters": [],
        "responses": {
          "200": {
            "description": "The served revision.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "revision",
                    "hash",
                    "head"
                  ],
                  "properties": {
                    "revision": {
                      "type": "integer"
                    },
                    "hash": {
                      "type": "string"
                    },
                    "head": {
                      "oneOf": [
                        {
                          "$ref": "#/components/schemas/RevisionInfo"
                        },
                        {
                          "type": "null"
                        }
                      ]
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/Internal"
          }
        }
      }
    },
    "/api/v1/revisions": {
      "get": {
        "operationId": "listRevisions",
        "summary": "Revisions, newest first, without their documents.",
        "x-reactions-scope": "read",
        "security": [
          {
            "bearer": []
          }
        ],
        "parameters": [
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "At most this many, newest first (default 50).",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The revisions.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "array",
                  "items": {
                    "$ref": "#/components/schemas/RevisionInfo"
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/Internal"
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          }
        }
      },
      "post": {
        "operationId": "commitRevision",
        "summary": "Commit a revision (remote apply), with the stale check.",
        "x-reactions-scope": "apply",
        "security": [
          {
            "bearer": []
          }
        ],
        "parameters": [],
        "responses": {
          "201": {
            "description": "The new revision.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/RevisionInfo"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/Internal"
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          }
        },
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "description": "As `reactions apply --server` sends it: the document, script snapshots and the expected base revision."
              }
            }
          }
        }
      }
    },
    "/api/v1/revisions/{number}": {
      "get": {
        "operationId": "getRevision",
        "summary": "One revision with its document.",
        "x-reactions-scope": "plan",
        "security": [
          {
            "bearer": []
          }
        ],
        "parameters": [
          {
            "name": "number",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer",
              "minimum": 1
            }
          },
          {
            "name": "scripts",
            "in": "query",
            "required": false,
            "description": "`true`: also the contents of the scripts the revision runs (base64, by SHA-256), for diffing changed scripts in a remote plan.",
            "schema": {
              "type": "string",
              "enum": [
                "true",
                "false"
              ]
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The revision.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/RevisionInfo"
                    },
                    {
                      "type": "object",
                      "required": [
                        "document"
                      ],
                      "properties": {
                        "document": {
                          "type": "object"
                        },
                        "scripts": {
                          "type": "object",
                          "description": "With `?scripts=true`: script contents, base64, by SHA-256.",
                          "additionalProperties": {
                            "type": "string",
                            "contentEncoding": "base64"
                          }
                        }
                      }
                    }
                  ]
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/Internal"
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/api/v1/secrets": {
      "get": {
        "operationId": "checkSecrets",
        "summary": "Which secrets resolve on the server, by name (never a value).",
        "x-reactions-scope": "plan",
        "security": [
          {
            "bearer": []
          }
        ],
        "parameters": [
          {
            "name": "names",
            "in": "query",
            "required": false,
            "description": "Comma-separated secret names.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Names that resolve and names that do not.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "available",
                    "missing"
                  ],
                  "properties": {
                    "available": {
                      "type": "array",
                      "items": {
                        "type": "string"
                      }
                    },
                    "missing": {
                      "type": "array",
                      "items": {
                        "type": "string"
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/Internal"
          }
        }
      }
    },
    "/api/v1/deliveries": {
      "get": {
        "operationId": "listDeliveries",
        "summary": "The outbox, newest first.",
        "x-reactions-scope": "read",
        "security": [
          {
            "bearer": []
          }
        ],
        "parameters": [
          {
            "name": "status",
            "in": "query",
            "required": false,
            "description": "Only deliveries in this status.",
            "schema": {
              "type": "string",
              "enum": [
                "pending",
                "retrying",
                "delivered",
                "failed"
              ]
            }
          },
          {
            "name": "reaction",
            "in": "query",
            "required": false,
            "description": "Only this reaction's.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "event",
            "in": "query",
            "required": false,
            "description": "Only this event's (its id).",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "At most this many, newest first (default 50).",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The deliveries.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "deliveries"
                  ],
                  "properties": {
                    "deliveries": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Delivery"
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/Internal"
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/api/v1/deliveries/{id}": {
      "get": {
        "operationId": "getDelivery",
        "summary": "One delivery with every attempt.",
        "x-reactions-scope": "read",
        "security": [
          {
            "bearer": []
          }
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The delivery.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Delivery"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/Internal"
          }
        }
      }
    },
    "/api/v1/deliveries/{id}/redeliver": {
      "post": {
        "operationId": "redeliver",
        "summary": "Attempt a delivery again now, with a fresh retry budget.",
        "x-reactions-scope": "admin",
        "security": [
          {
            "bearer": []
          }
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "202": {
            "description": "The delivery, pending.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Delivery"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/Internal"
          }
        }
      }
    },
    "/api/v1/stats": {
      "get": {
        "operationId": "getStats",
        "summary": "DORA metrics of recorded deploys, per service and environment (as `reactions stats --format json`).",
        "x-reactions-scope": "read",
        "security": [
          {
            "bearer": []
          }
        ],
        "parameters": [
          {
            "name": "since",
            "in": "query",
            "required": false,
            "description": "The window: a duration back from now (30d, the default; 12h) or a time.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "service",
            "in": "query",
            "required": false,
            "description": "Only this service (name or alias).",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "environment",
            "in": "query",
            "required": false,
            "description": "Only this environment.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The metrics.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Stats"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/Internal"
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/api/v1/openapi.json": {
      "get": {
        "operationId": "getOpenAPI",
        "summary": "This document.",
        "x-reactions-scope": "read",
        "security": [
          {
            "bearer": []
          }
        ],
        "parameters": [],
        "responses": {
          "200": {
            "description": "The OpenAPI document.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/Internal"
          }
        }
      }
    },
    "/api/v1/replay": {
      "post": {
        "operationId": "replay",
        "summary": "Start replaying recorded events against the served revision and a planned document (`plan --replay --server`); nothing is sent. Answers at once with the job to poll.",
        "x-reactions-scope": "plan",
        "security": [
          {
            "bearer": []
          }
        ],
        "parameters": [],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "desired"
                ],
                "properties": {
                  "desired": {
                    "type": "object",
                    "description": "The planned state document, as `reactions plan --out` saves it under `desired`."
                  },
                  "since": {
                    "type": "string",
                    "format": "date-time",
                    "description": "Replay the events recorded since then."
                  },
                  "events": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "Replay only the newest N events."
                  }
                }
              }
            }
          }
        },
        "responses": {
          "202": {
            "description": "The replay started; poll `Location` (`GET /api/v1/replay/{id}`).",
            "headers": {
              "Location": {
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "id",
                    "status"
                  ],
                  "properties": {
                    "id": {
                      "type": "string"
                    },
                    "status": {
                      "const": "running"
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "500": {
            "$ref": "#/components/responses/Internal"
          }
        }
      }
    },
    "/api/v1/replay/{id}": {
      "get": {
        "operationId": "replayResult",
        "summary": "A replay's result: 202 while it runs, 200 with the replay when done. Only the latest replay is kept.",
        "x-reactions-scope": "plan",
        "security": [
          {
            "bearer": []
          }
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The replay.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Replay"
                }
              }
            }
          },
          "202": {
            "description": "Still running; ask again after Retry-After seconds.",
            "headers": {
              "Retry-After": {
                "schema": {
                  "type": "integer"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "id",
                    "status"
                  ],
                  "properties": {
                    "id": {
                      "type": "string"
                    },
                    "status": {
                      "const": "running"
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/Internal"
          }
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer"
      }
    },
    "schemas": {
      "Problem": {
        "type": "object",
        "required": [
          "errors"
        ],
        "properties": {
          "errors": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "status",
                "title",
                "detail"
              ],
              "properties": {
                "status": {
                  "type": "integer"
                },
                "title": {
                  "type": "string"
                },
                "detail": {
                  "type": "string"
                }
              }
            }
          }
        }
      },
      "DeployPayload": {
        "type": "object",
        "description": "OpsLevel's deploy payload.",
        "required": [
          "service",
          "description",
          "deployed_at",
          "deployer"
        ],
        "properties": {
          "service": {
            "type": "string"
          },
          "description": {
            "type": "string"
          },
          "deployed_at": {
            "type": "string"
          },
          "environment": {
            "type": "string"
          },
          "status": {
            "type": "string",
            "enum": [
              "started",
              "succeeded",
              "failed"
            ]
          },
          "dedup_id": {
            "type": "string"
          },
          "deploy_number": {
            "type": [
              "string",
              "integer"
            ]
          },
          "deploy_url": {
            "type": "string"
          },
          "deployer": {
            "type": "object"
          },
          "commit": {
            "type": "object"
          }
        },
        "additionalProperties": true
      },
      "DeployResult": {
        "type": "object",
        "required": [
          "result"
        ],
        "properties": {
          "result": {
            "type": "string"
          }
        },
        "additionalProperties": true
      },
      "Deploy": {
        "type": "object",
        "description": "Every payload field, and what reactions knows of the deploy.",
        "required": [
          "id",
          "endpoint",
          "service",
          "service_as_sent",
          "matched",
          "status",
          "deploy_number",
          "deployed_at",
          "received_at",
          "updated_at",
          "event_id"
        ],
        "properties": {
          "id": {
            "type": "integer"
          },
          "endpoint": {
            "type": "string"
          },
          "service": {
            "type": "string"
          },
          "service_as_sent": {
            "type": "string"
          },
          "matched": {
            "type": "boolean"
          },
          "status": {
            "type": "string"
          },
          "deploy_number": {
            "type": "string"
          },
          "deployed_at": {
            "type": "string"
          },
          "received_at": {
            "type": "string"
          },
          "updated_at": {
            "type": "string"
          },
          "event_id": {
            "type": [
              "string",
              "null"
            ]
          },
          "deployed_at_as_sent": {
            "type": "string"
          }
        },
        "additionalProperties": true
      },
      "Suggestion": {
        "type": "object",
        "required": [
          "service",
          "endpoint",
          "first_seen",
          "last_seen",
          "deploys",
          "environments"
        ],
        "properties": {
          "service": {
            "type": "string"
          },
          "endpoint": {
            "type": "string"
          },
          "first_seen": {
            "type": "string"
          },
          "last_seen": {
            "type": "string"
          },
          "deploys": {
            "type": "integer"
          },
          "environments": {
            "type": "array",
            "items": {
              "type": "string"
            }
          }
        }
      },
      "CloudEvent": {
        "type": "object",
        "required": [
          "specversion",
          "id",
          "source",
          "type",
          "time",
          "datacontenttype",
          "chaindepth"
        ],
        "properties": {
          "specversion": {
            "const": "1.0"
          },
          "id": {
            "type": "string"
          },
          "source": {
            "type": "string"
          },
          "type": {
            "type": "string"
          },
          "time": {
            "type": "string"
          },
          "subject": {
            "type": "string"
          },
          "datacontenttype": {
            "const": "application/json"
          },
          "service": {
            "type": "string"
          },
          "environment": {
            "type": "string"
          },
          "endpoint": {
            "type": "string"
          },
          "causationid": {
            "type": "string"
          },
          "chaindepth": {
            "type": "integer"
          },
          "data": {}
        }
      },
      "RevisionInfo": {
        "type": "object",
        "required": [
          "number",
          "hash",
          "created_at",
          "created_by",
          "source",
          "summary"
        ],
        "properties": {
          "number": {
            "type": "integer"
          },
          "hash": {
            "type": "string"
          },
          "created_at": {
            "type": "string"
          },
          "created_by": {
            "type": "string"
          },
          "source": {
            "type": "string"
          },
          "summary": {
            "type": "object",
            "properties": {
              "add": {
                "type": "integer"
              },
              "change": {
                "type": "integer"
              },
              "destroy": {
                "type": "integer"
              }
            }
          }
        }
      },
      "Attempt": {
        "type": "object",
        "required": [
          "number",
          "started_at",
          "milliseconds",
          "succeeded",
          "response"
        ],
        "properties": {
          "number": {
            "type": "integer"
          },
          "started_at": {
            "type": "string"
          },
          "milliseconds": {
            "type": "integer"
          },
          "succeeded": {
            "type": "boolean"
          },
          "http_status": {
            "type": [
              "integer",
              "null"
            ]
          },
          "exit_status": {
            "type": [
              "integer",
              "null"
            ]
          },
          "error": {
            "type": [
              "string",
              "null"
            ]
          },
          "response": {
            "type": "string"
          }
        }
      },
      "Delivery": {
        "type": "object",
        "required": [
          "id",
          "event_id",
          "event_type",
          "reaction",
          "revision",
          "status",
          "attempts",
          "created_at",
          "updated_at"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "event_id": {
            "type": "string"
          },
          "event_type": {
            "type": "string"
          },
          "reaction": {
            "type": "string"
          },
          "revision": {
            "type": "integer"
          },
          "status": {
            "type": "string",
            "enum": [
              "pending",
              "retrying",
              "delivered",
              "failed"
            ]
          },
          "attempts": {
            "type": "integer"
          },
          "next_attempt_at": {
            "type": [
              "string",
              "null"
            ]
          },
          "created_at": {
            "type": "string"
          },
          "updated_at": {
            "type": "string"
          },
          "last_error": {
            "type": [
              "string",
              "null"
            ]
          },
          "attempt_log": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Attempt"
            }
          }
        }
      },
      "Stats": {
        "type": "object",
        "required": [
          "since",
          "until",
          "groups"
        ],
        "properties": {
          "since": {
            "type": "string"
          },
          "until": {
            "type": "string"
          },
          "truncated": {
            "type": "boolean"
          },
          "groups": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "service",
                "environment",
                "deploys",
                "failed",
                "deploys_per_day",
                "frequency_band",
                "lead_time_seconds",
                "change_failure_rate",
                "time_to_restore_seconds"
              ],
              "properties": {
                "service": {
                  "type": "string"
                },
                "environment": {
                  "type": [
                    "string",
                    "null"
                  ]
                },
                "deploys": {
                  "type": "integer"
                },
                "failed": {
                  "type": "integer"
                },
                "deploys_per_day": {
                  "type": "number"
                },
                "frequency_band": {
                  "type": "string",
                  "enum": [
                    "daily",
                    "weekly",
                    "monthly",
                    "yearly"
                  ]
                },
                "lead_time_seconds": {
                  "type": "object",
                  "required": [
                    "median",
                    "p90",
                    "samples"
                  ],
                  "properties": {
                    "median": {
                      "type": [
                        "number",
                        "null"
                      ]
                    },
                    "p90": {
                      "type": [
                        "number",
                        "null"
                      ]
                    },
                    "samples": {
                      "type": "integer"
                    }
                  }
                },
                "change_failure_rate": {
                  "type": [
                    "number",
                    "null"
                  ]
                },
                "time_to_restore_seconds": {
                  "type": "object",
                  "required": [
                    "median",
                    "samples"
                  ],
                  "properties": {
                    "median": {
                      "type": [
                        "number",
                        "null"
                      ]
                    },
                    "samples": {
                      "type": "integer"
                    }
                  }
                }
              }
            }
          }
        }
      },
      "Replay": {
        "type": "object",
        "description": "What a planned config would do with recorded events, against the revision the server serves (the `replay` member of a plan's JSON).",
        "required": [
          "window",
          "reactions",
          "unmatched"
        ],
        "properties": {
          "window": {
            "type": "object",
            "required": [
              "since",
              "until",
              "events"
            ],
            "properties": {
              "since": {
                "type": [
                  "string",
                  "null"
                ],
                "format": "date-time"
              },
              "until": {
                "type": "string",
                "format": "date-time"
              },
              "events": {
                "type": "integer",
                "minimum": 0
              }
            }
          },
          "reactions": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "name",
                "change",
                "before",
                "after",
                "started",
                "stopped",
                "examples",
                "rendered"
              ],
              "properties": {
                "name": {
                  "type": "string"
                },
                "change": {
                  "enum": [
                    "created",
                    "changed",
                    "deleted",
                    "integration_changed",
                    null
                  ]
                },
                "before": {
                  "type": "integer",
                  "minimum": 0
                },
                "after": {
                  "type": "integer",
                  "minimum": 0
                },
                "started": {
                  "type": "integer",
                  "minimum": 0
                },
                "stopped": {
                  "type": "integer",
                  "minimum": 0
                },
                "examples": {
                  "type": "object",
                  "required": [
                    "started",
                    "stopped"
                  ],
                  "properties": {
                    "started": {
                      "type": "array",
                      "maxItems": 5,
                      "items": {
                        "$ref": "#/components/schemas/ReplayExample"
                      }
                    },
                    "stopped": {
                      "type": "array",
                      "maxItems": 5,
                      "items": {
                        "$ref": "#/components/schemas/ReplayExample"
                      }
                    }
                  }
                },
                "rendered": {
                  "type": [
                    "object",
                    "null"
                  ],
                  "required": [
                    "event",
                    "after",
                    "before"
                  ],
                  "properties": {
                    "event": {
                      "type": "string"
                    },
                    "after": {
                      "type": "object"
                    },
                    "before": {
                      "type": [
                        "object",
                        "null"
                      ]
                    }
                  }
                }
              }
            }
          },
          "unmatched": {
            "type": "object",
            "required": [
              "before",
              "after"
            ],
            "properties": {
              "before": {
                "type": "integer",
                "minimum": 0
              },
              "after": {
                "type": "integer",
                "minimum": 0
              }
            }
          }
        }
      },
      "ReplayExample": {
        "type": "object",
        "required": [
          "id",
          "type",
          "time"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "type": {
            "type": "string"
          },
          "service": {
            "type": [
              "string",
              "null"
            ]
          },
          "environment": {
            "type": [
              "string",
              "null"
            ]
          },
          "time": {
            "type": "string",
            "format": "date-time"
          }
        },
        "description": "A recorded event a reaction starts or stops firing on: its id, type, time, service and environment."
      }
    },
    "responses": {
      "BadRequest": {
        "description": "A parameter or the body is invalid.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "Unauthorized": {
        "description": "No token, or not one of the server's.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "Forbidden": {
        "description": "The token's scope does not reach this route.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "NotFound": {
        "description": "No such resource, or the API is disabled.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "Conflict": {
        "description": "The state moved since the plan was made (stale).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "Internal": {
        "description": "The state store could not be read or written.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "TooManyRequests": {
        "description": "A replay is already running on this server; try again after Retry-After seconds.",
        "headers": {
          "Retry-After": {
            "schema": {
              "type": "integer"
            }
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      }
    }
  }
}
"""#
}
