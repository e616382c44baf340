#!/usr/bin/env python3
"""Writes Sources/Web/OpenAPIDocument.swift: the OpenAPI 3.1 document of Debrief's API, built here as data and
validated with openapi-spec-validator (pip) before it is written. Run after changing the API."""
import json
def ref(n): return {"$ref": f"#/components/schemas/{n}"}
num={"type":"number"}; integer={"type":"integer"}; string={"type":"string"}
dt={"type":"string","format":"date-time"}
points={"type":"number","minimum":0,"maximum":100}
def obj(required, props, extra=True):
    o={"type":"object","required":required,"properties":props}
    if not extra: o["additionalProperties"]=False
    return o
err={"description":"The reason","content":{"application/json":{"schema":ref("Error")}}}
def ok(schema, desc="OK", status="200"):
    return {status:{"description":desc,"content":{"application/json":{"schema":schema}}}}
unauth={"401":{"description":"No or bad bearer token","content":{"application/json":{"schema":ref("Error")}}}}
def notfound(what): return {"404":{"description":f"No such {what}, or not one this user may see (answered as missing)","content":{"application/json":{"schema":ref("Error")}}}}
idparam={"name":"id","in":"path","required":True,"schema":{"type":"integer","minimum":1},"description":"Report id"}
modelparam={"name":"model","in":"path","required":True,"schema":string,"description":"Job: a competency model id (Models/<id>.yaml)"}
schemas={
 "Error": obj(["error"],{"error":string},False),
 "Me": obj(["name","role"],{"name":string,"role":{"type":"string","enum":["admin","hr","manager","candidate"]},"jobs":{"type":"array","items":string,"description":"A manager's jobs"}},False),
 "JobOverview": obj(["id","version","title","queued","analysed","unscored","failed","distribution"],{
   "id":string,"version":integer,"title":string,"titleZh":string,
   "queued":{"type":"integer","minimum":0,"description":"Recordings queued or being analysed in the job's inbox folder"},
   "analysed":{"type":"integer","minimum":0,"description":"Candidates analysed (latest report per recording)"},
   "unscored":{"type":"integer","minimum":0},"failed":{"type":"integer","minimum":0},
   "distribution":{"type":"array","items":{"type":"integer","minimum":0},"minItems":10,"maxItems":10,"description":"Scored candidates in bins 0–10, 10–20, … 90–100"},
   "medianScore":points},False),
 "JobList": obj(["jobs"],{"jobs":{"type":"array","items":ref("JobOverview")}},False),
 "CandidateRow": obj(["report","file","level","levelZh","flags","warnings","createdAt","url"],{
   "rank":{"type":"integer","minimum":1},"report":integer,"candidate":string,"file":string,"score":points,
   "matchPercent":points,"percentile":points,"level":string,"levelZh":string,
   "hr":{**points,"description":"The raters' overall (mean of each rater's newest rating)"},
   "blended":{**points,"description":"AI/HR blend; the AI score while nobody rated"},
   "flags":{"type":"array","items":{"type":"string","enum":["insufficient-evidence","recording-warnings","ai-hr-gap"]}},
   "warnings":{"type":"integer","minimum":0},"createdAt":dt,"url":string},False),
 "CandidateList": obj(["job","candidates"],{"job":ref("JobOverview"),"candidates":{"type":"array","items":ref("CandidateRow")}},False),
 "Overall": obj(["level","levelZh","recommendation","dimensionsScored"],{
   "score":points,"matchPercent":points,"level":string,"levelZh":string,"recommendation":string,"recommendationZh":string,
   "dimensionsScored":{"type":"integer","minimum":0},"percentile":points,"percentilePopulation":{"type":"integer","minimum":0},
   "salaryBand":string,"salaryBandZh":string}),
 "ReportListItem": obj(["id","file","model","overall","warnings","createdAt","url"],{
   "id":integer,"file":string,"candidate":string,
   "model":obj(["id","version"],{"id":string,"version":integer},False),
   "overall":ref("Overall"),"warnings":{"type":"integer","minimum":0},"createdAt":dt,"url":string},False),
 "ReportList": obj(["reports"],{"reports":{"type":"array","items":ref("ReportListItem")}},False),
 "Evidence": obj(["quote","keyword","answer","start","end"],{"quote":string,"keyword":string,"answer":integer,
   "start":{"type":"number","minimum":0},"end":{"type":"number","minimum":0},"part":string,"weight":num,"indicator":string,"implied":{"type":"boolean"}}),
 "Report": obj(["schemaVersion","pipelineVersion","recording","model","transcript","answers","competencies","overall","warnings"],{
   "schemaVersion":{"type":"integer","const":1},"pipelineVersion":string,"inputsSHA256":string,"candidate":string,
   "recording":obj(["file","sha256","sizeBytes"],{"file":string,"sha256":string,"sizeBytes":{"type":"integer","minimum":0},
      "durationSeconds":num,"container":string,"audio":{"type":"object"},"video":{"type":"object"}}),
   "model":obj(["id","version","title"],{"id":string,"version":integer,"title":string}),
   "prosody":{"type":"object","description":"Voice descriptors (not scored unless the model opts in)","properties":{
      "contour":obj(["startSeconds","hopSeconds","f0Hz","intensityDb","pauses"],{"startSeconds":num,"hopSeconds":num,
         "f0Hz":{"type":"array","items":num,"maxItems":512},"intensityDb":{"type":"array","items":num,"maxItems":512},
         "pauses":{"type":"array","maxItems":200,"items":obj(["start","end"],{"start":num,"end":num})}})}},
   "visual":{"type":"object","description":"Camera descriptors (not scored unless the model opts in)"},
   "transcript":obj(["source","language","wordCount","cues"],{"source":string,"language":{"type":"string","enum":["en","zh"]},
      "wordCount":{"type":"integer","minimum":0},"cues":{"type":"array","items":obj(["start","end","text"],{"start":num,"end":num,"text":string})}}),
   "answers":{"type":"array","items":obj(["index","start","end"],{"index":integer,"start":num,"end":num,"question":string,"star":{"type":"object"}})},
   "competencies":{"type":"array","items":obj(["id","name","weight","evidence","negatedEvidence"],{"id":string,"name":string,"nameZh":string,
      "weight":num,"score":points,"insufficientEvidence":string,"evidence":{"type":"array","items":ref("Evidence")},
      "negatedEvidence":{"type":"array","items":ref("Evidence")},"level":string,"levelZh":string})},
   "overall":ref("Overall"),"warnings":{"type":"array","items":string}}),
 "ReviewLine": obj(["name","raters","flagged"],{"id":string,"name":string,"nameZh":string,"ai":points,"hr":points,
   "raters":{"type":"integer","minimum":0},"blended":points,"flagged":{"type":"boolean","description":"AI and HR differ by more than flagPoints"}},False),
 "Rating": obj(["id","reportID","rater","competencies","comment","createdAt"],{"id":integer,"reportID":integer,"rater":string,
   "overall":points,"competencies":{"type":"object","additionalProperties":points},"comment":{"type":"string","maxLength":4000},"createdAt":dt},False),
 "RatingInput": {"type":"object","additionalProperties":False,"properties":{"overall":points,
   "competencies":{"type":"object","additionalProperties":points,"description":"Competency id → points; ids must be the report's"},
   "comment":{"type":"string","maxLength":4000}},"description":"At least overall or one competency"},
 "Review": obj(["reportID","weights","overall","competencies","ratings"],{"reportID":integer,
   "weights":obj(["ai","hr","flagPoints"],{"ai":{"type":"number","minimum":0,"maximum":1},"hr":{"type":"number","minimum":0,"maximum":1},"flagPoints":num},False),
   "overall":ref("ReviewLine"),"competencies":{"type":"array","items":ref("ReviewLine")},
   "ratings":{"type":"array","items":ref("Rating"),"description":"Every rating, oldest first; a rater's newest counts"}},False),
 "AgreementLine": obj(["name","pairs","flagged"],{"id":string,"name":string,"nameZh":string,"pairs":{"type":"integer","minimum":0},
   "correlation":{"type":"number","minimum":-1,"maximum":1,"description":"Pearson r (3 or more pairs)"},
   "meanDifference":{"type":"number","description":"Mean of HR − AI"},"meanAbsoluteDifference":{"type":"number","minimum":0},
   "flagged":{"type":"integer","minimum":0}},False),
 "JobAgreement": obj(["job","ratedReports","ratings","flagPoints","overall","competencies","raters"],{"job":string,
   "ratedReports":{"type":"integer","minimum":0},"ratings":{"type":"integer","minimum":0},"flagPoints":num,
   "overall":ref("AgreementLine"),"competencies":{"type":"array","items":ref("AgreementLine")},
   "raters":{"type":"array","items":ref("AgreementLine")}},False),
 "UploadResult": obj(["recording","sidecars","bytes"],{"recording":{"type":"string","description":"Inbox path, JOB/NAME"},
   "sidecars":{"type":"array","items":string},"bytes":{"type":"integer","minimum":1}},False),
 "ReportCreatedEvent": obj(["event","createdAt","data"],{"event":{"const":"report.created"},"createdAt":dt,
   "data":obj(["reportID","job","modelVersion","file","overall","url"],{"reportID":integer,"job":string,"modelVersion":integer,
     "file":string,"candidate":string,"overall":obj(["level"],{"score":points,"level":string,"matchPercent":points},False),"url":string},False)},False),
 "RatingCreatedEvent": obj(["event","createdAt","data"],{"event":{"const":"rating.created"},"createdAt":dt,
   "data":obj(["ratingID","reportID","job","rater","competencies","url"],{"ratingID":integer,"reportID":integer,"job":string,
     "rater":string,"overall":points,"competencies":{"type":"object","additionalProperties":points},"url":string},False)},False),
}
sig={"name":"Debrief-Signature","in":"header","required":True,"schema":string,
     "description":"t=UNIX,sha256=HEX: HMAC-SHA256 of \"<t>.<body>\" with the shared secret"}
webhook_headers=[sig,{"name":"Debrief-Event","in":"header","required":True,"schema":string},
   {"name":"Debrief-Delivery","in":"header","required":True,"schema":string},{"name":"Debrief-Attempt","in":"header","required":True,"schema":string}]
def hook(name, schema, summary):
    return {"post":{"summary":summary,"parameters":webhook_headers,
      "requestBody":{"required":True,"content":{"application/json":{"schema":ref(schema)}}},
      "responses":{"2XX":{"description":"Received; any other answer is retried with backoff (8 attempts)"}}}}
media={kind:{"schema":{"type":"string","contentMediaType":kind}} for kind in ["video/*","audio/*","application/octet-stream"]}
paths={
 "/health":{"get":{"summary":"The store answers","security":[],"responses":{"200":{"description":"ok","content":{"text/plain":{"schema":string}}},"503":{"description":"Store unavailable","content":{"text/plain":{"schema":string}}}}}},
 "/metrics":{"get":{"summary":"Prometheus text format (admin, HR)","responses":{"200":{"description":"Exposition","content":{"text/plain":{"schema":string}}},"403":{"description":"Not admin or HR","content":{"text/plain":{"schema":string}}}}}},
 "/api/v1/openapi.json":{"get":{"summary":"This document","security":[],"responses":{"200":{"description":"OpenAPI 3.1","content":{"application/json":{"schema":{"type":"object"}}}}}}},
 "/api/v1/me":{"get":{"summary":"Who the token belongs to","responses":{**ok(ref("Me")),**unauth}}},
 "/api/v1/jobs":{"get":{"summary":"Jobs this user may see, with counts and the score distribution","responses":{**ok(ref("JobList")),**unauth}}},
 "/api/v1/jobs/{model}/candidates":{"get":{"summary":"The job's candidates, ranked","parameters":[modelparam,
    {"name":"q","in":"query","schema":string},{"name":"level","in":"query","schema":string},
    {"name":"flag","in":"query","schema":{"type":"string","enum":["insufficient-evidence","recording-warnings","ai-hr-gap"]}},
    {"name":"sort","in":"query","schema":{"type":"string","enum":["rank","blended","match","name","date"]}}],
    "responses":{**ok(ref("CandidateList")),**unauth,**notfound("job")}}},
 "/api/v1/jobs/{model}/agreement":{"get":{"summary":"AI–human agreement of the job","parameters":[modelparam],"responses":{**ok(ref("JobAgreement")),**unauth,**notfound("job")}}},
 "/api/v1/jobs/{model}/uploads":{"post":{"summary":"Upload a recording (and its transcript and metadata) into the job's inbox","parameters":[modelparam],
    "requestBody":{"required":True,"content":{"multipart/form-data":{"schema":{"type":"object","required":["recording"],"properties":{
       "recording":{"type":"string","contentMediaType":"application/octet-stream"},"transcript":{"type":"string","contentMediaType":"text/vtt"},
       "metadata":{"type":"string","contentMediaType":"application/json"},"candidate":string,"language":{"type":"string","enum":["en","zh"]}}}}}},
    "responses":{**ok(ref("UploadResult"),"Stored in the inbox","201"),"400":err,**unauth,**notfound("job"),"413":err,"415":err}}},
 "/api/v1/reports":{"get":{"summary":"Reports this user may see, newest first","responses":{**ok(ref("ReportList")),**unauth}}},
 "/api/v1/reports/{id}":{"get":{"summary":"One report, as stored","parameters":[idparam],"responses":{**ok(ref("Report")),**unauth,**notfound("report")}}},
 "/api/v1/reports/{id}/ratings":{
    "get":{"summary":"The review: AI, HR, blend and flags per competency and overall, and every rating","parameters":[idparam],"responses":{**ok(ref("Review")),**unauth,**notfound("report")}},
    "post":{"summary":"Rate the report (points 0–100)","parameters":[idparam],"requestBody":{"required":True,"content":{"application/json":{"schema":ref("RatingInput")}}},
       "responses":{**ok(ref("Rating"),"Stored","201"),"400":err,**unauth,**notfound("report")}}},
 "/reports/{id}/recording":{"get":{"summary":"The analysed recording, with Range support","parameters":[idparam,
    {"name":"Range","in":"header","schema":string,"description":"One range, bytes=START-END"}],
    "responses":{"200":{"description":"The whole file, typed by its extension (video/mp4, video/x-matroska, audio/mp4, …)","content":media},
       "206":{"description":"The range asked for (Content-Range)","content":media},
       "404":{"description":"Not found or not visible","content":{"text/plain":{"schema":string}}},
       "409":{"description":"The file changed since the analysis","content":{"text/plain":{"schema":string}}},
       "416":{"description":"Range past the end"}}}},
}
doc={"openapi":"3.1.0","info":{"title":"Debrief API","version":"1.0.0",
   "description":"Interview reports, ranked candidates, HR ratings and uploads. Every call but /health and this document needs a bearer token (`debrief users token NAME`) or a browser session; a user sees only the jobs their role grants, and anything else is answered as missing (404). Scores are 0–100."},
 "servers":[{"url":"/"}],
 "security":[{"bearer":[]},{"session":[]}],
 "paths":paths,
 "webhooks":{"report.created":hook("report.created","ReportCreatedEvent","A new report was stored"),
             "rating.created":hook("rating.created","RatingCreatedEvent","Someone rated a report")},
 "components":{"schemas":schemas,"securitySchemes":{
   "bearer":{"type":"http","scheme":"bearer","description":"dbf_… from `debrief users token NAME`"},
   "session":{"type":"apiKey","in":"cookie","name":"debrief_session","description":"Browser session; forms and non-GET calls also need the session's CSRF token (X-CSRF-Token)"}}}}
from openapi_spec_validator import validate
validate(doc)
text=json.dumps(doc,indent=1,ensure_ascii=False,sort_keys=False)
swift='''/// The OpenAPI 3.1 document of the JSON API, served at `GET /api/v1/openapi.json`. Generated by
/// `scripts/openapi-gen.py` (edit that, then run it); `Tests/live-check.py` validates it and checks every documented
/// JSON response of a running service against its schema.
let openAPIDocument = #"""
''' + text + '''
"""#
'''
import os
root=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
open(os.path.join(root,'Sources/Web/OpenAPIDocument.swift'),'w').write(swift)
print(f'openapi: {len(doc["paths"])} paths, {len(schemas)} schemas, valid OpenAPI 3.1')
