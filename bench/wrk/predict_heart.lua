-- wrk script: one heart-disease prediction per request (the Authorization header comes from -H).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"age":61,"sex":"male","chest_pain_type":"asymptomatic","resting_bp":145,' ..
  '"cholesterol":260,"max_heart_rate":120,"exercise_angina":true,"st_depression":2.1}'
