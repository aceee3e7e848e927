"""Records logged while a chat runs carry its conversation id."""

from __future__ import annotations

from tests.support.model_server import Reply


async def test_chat_run_records_name_conversation(server, client, provider, model):
    model.queue(Reply(text="Hello there."))
    answer = await client.post("/api/chat", {"message": "Hi"})
    assert answer.status == 200, answer.text
    conversation_id = answer.json["conversation_id"]
    records = server.services.logs.hub.recent(0, 500)
    stored = [record for record in records if "Stored the final message" in record.message]
    assert stored[-1].conversation_id == conversation_id
