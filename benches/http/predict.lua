-- wrk script: POST /api/predict with the original app's body.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model": "frequency", "count": 5, "user_numbers": [7]}'
