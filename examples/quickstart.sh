# The README's quick start for bot developers, exactly as typed there (tests/api/test_quickstart.py
# runs it against a fresh demo). Start `make run` in another terminal first: it loads the demo and
# runs the worker that fills the search index.
TOKEN=$(.venv/bin/python manage.py bot_client create my-bot --persona xiaomei | tail -1)
API=http://127.0.0.1:8000/api/v1
curl -s $API/health
curl -s -H "Authorization: Bearer $TOKEN" "$API/personas/xiaomei/"               # voice + brief
curl -s -H "Authorization: Bearer $TOKEN" "$API/scripts/?kind=chat&tag=会员日&limit=5"
SCRIPT=$(curl -s -H "Authorization: Bearer $TOKEN" "$API/scripts/?kind=chat&tag=会员日&limit=1" \
         | python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])')
curl -s -H "Authorization: Bearer $TOKEN" "$API/scripts/$SCRIPT/"
curl -s -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
     -d '{"variables": {"nickname": "小鹿"}}' "$API/scripts/$SCRIPT/render?format=wecom"
curl -s -H "Authorization: Bearer $TOKEN" "$API/calendar/"                        # the next 7 days
curl -s -H "Authorization: Bearer $TOKEN" "$API/hot-topics/?category=festival"
curl -s -G -H "Authorization: Bearer $TOKEN" "$API/search/" --data-urlencode "q=會員日"
curl -s -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
     -d '{"events": [{"script": '"$SCRIPT"', "type": "sent", "count": 120, "idempotency_key": "run-1"}]}' "$API/events/"
