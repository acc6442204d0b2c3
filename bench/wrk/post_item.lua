-- wrk script: POST one demo item per request (measures a durable single-row write).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"label":"benchmark item","quantity":7}'
