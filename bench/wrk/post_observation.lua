-- wrk script: the patient PATIENT_ID (environment) records one heart-rate reading per request
-- (a durable write: the observation and its audit row in one transaction).
local path = "/api/v1/patients/" .. os.getenv("PATIENT_ID") .. "/observations"
wrk.headers["Content-Type"] = "application/json"
request = function()
  return wrk.format("POST", path, nil, '{"code":"8867-4","value":72,"unit":"/min"}')
end
