"""The route table. Each row names the fixed GraphQL operation a REST route runs.

A row says how the path, query string and body become variables, which status a success has and
which root field of the result is the body. Rows hold no rules of their own: validation, status
codes of failures and permissions all come from the schema and the services behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    operation: str
    summary: str
    tag: str
    status: int = 200
    # Path parameter name -> variable name.
    path_vars: dict[str, str] = field(default_factory=dict)
    # Query parameter name -> variable name; the variable's GraphQL type sets the parsing.
    query_vars: dict[str, str] = field(default_factory=dict)
    # The variable that receives the JSON body (its top-level keys, snake_case -> camelCase).
    body_var: str | None = None
    # The variable that receives the uploaded file of a multipart body (field `file`).
    upload_var: str | None = None
    # The root field (or alias) whose value is the body; None returns the whole `data` object.
    result: str | None = None
    public: bool = False


ID = {"id": "id"}
PAGE = {"limit": "limit", "before": "before"}

ROUTES: list[Route] = [
    # Authentication
    Route("POST", "/api/auth/login", "Login", "Log in and set the session cookie", "auth",
          body_var="input", result="login", public=True),
    Route("POST", "/api/auth/logout", "Logout", "End the session and clear the cookie", "auth",
          public=True),
    Route("GET", "/api/auth/me", "Me", "The logged-in user", "auth", result="me"),
    Route("POST", "/api/auth/change-password", "ChangePassword",
          "Change the password; other sessions end", "auth", body_var="input",
          result="changePassword"),
    Route("PUT", "/api/auth/username", "ChangeUsername", "Change the username", "auth",
          body_var="input", result="changeUsername"),
    # Chat
    Route("POST", "/api/chat", "Chat", "Run one agent turn", "chat", body_var="input",
          result="chat"),
    Route("GET", "/api/chat/history", "ChatHistory", "The web chat's messages, oldest first",
          "chat", query_vars=PAGE, result="chatHistory"),
    Route("DELETE", "/api/chat/history", "ClearChatHistory", "Empty the web chat", "chat",
          status=204),
    # Stopping a chat run, and the agent status
    Route("POST", "/api/chat/stop", "StopChat",
          "Stop the chat of a conversation (the web chat when omitted); `stopped` is false "
          "when nothing was running", "chat", body_var="input", result="stopChat"),
    Route("GET", "/api/agent/status", "AgentStatus", "What the agent is doing now", "agent",
          result="agentStatus"),
    # Conversations
    Route("GET", "/api/conversations", "ListConversations",
          "Conversations, most recently updated first", "conversations",
          query_vars={"bot_name": "botName", "chat_type": "chatType", "keyword": "keyword",
                      "limit": "limit", "offset": "offset"},
          result="conversations"),
    Route("POST", "/api/conversations", "CreateConversation", "Create a conversation",
          "conversations", status=201, body_var="input", result="createConversation"),
    Route("GET", "/api/conversations/{id}", "GetConversation", "One conversation",
          "conversations", path_vars=ID, result="conversation"),
    Route("DELETE", "/api/conversations/{id}", "DeleteConversation",
          "Delete a conversation and its messages", "conversations", status=204, path_vars=ID),
    Route("POST", "/api/conversations/{id}/messages", "AddMessage", "Add a message",
          "conversations", status=201, path_vars={"id": "conversationId"}, body_var="input",
          result="addMessage"),
    Route("GET", "/api/conversations/{id}/messages", "ListMessages",
          "Messages, oldest first; `limit` and `before` page back", "conversations",
          path_vars={"id": "conversationId"}, query_vars=PAGE, result="messages"),
    # Providers
    Route("GET", "/api/providers", "ListProviders", "All providers", "providers",
          result="providers"),
    Route("POST", "/api/providers", "CreateProvider", "Create a provider", "providers",
          status=201, body_var="input", result="createProvider"),
    Route("POST", "/api/providers/fetch-models", "FetchProviderModels",
          "List the models a provider serves", "providers", body_var="input",
          result="fetchProviderModels"),
    Route("GET", "/api/providers/{id}", "GetProvider", "One provider", "providers",
          path_vars=ID, result="provider"),
    Route("PUT", "/api/providers/{id}", "UpdateProvider", "Update the fields sent", "providers",
          path_vars=ID, body_var="input", result="updateProvider"),
    Route("DELETE", "/api/providers/{id}", "DeleteProvider", "Delete a provider", "providers",
          status=204, path_vars=ID),
    Route("POST", "/api/providers/{id}/activate", "ActivateProvider",
          "Make this provider active", "providers", path_vars=ID, result="activateProvider"),
    # Skills
    Route("GET", "/api/skills", "ListSkills", "Installed skills", "skills", result="skills"),
    Route("POST", "/api/skills", "CreateSkill", "Install a skill from its SKILL.md text",
          "skills", status=201, body_var="input", result="createSkill"),
    Route("POST", "/api/skills/upload", "UploadSkills",
          "Install the skills of a ZIP (multipart field `file`), all or nothing", "skills",
          status=201, query_vars={"overwrite": "overwrite"}, upload_var="file",
          result="uploadSkills"),
    Route("GET", "/api/skills/{name}", "GetSkill", "One skill with its SKILL.md", "skills",
          path_vars={"name": "name"}, result="skill"),
    Route("PATCH", "/api/skills/{name}", "UpdateSkill", "Enable or disable a skill", "skills",
          path_vars={"name": "name"}, body_var="input", result="updateSkill"),
    Route("DELETE", "/api/skills/{name}", "DeleteSkill", "Delete a skill and its folder",
          "skills", status=204, path_vars={"name": "name"}),
    # Tools
    Route("GET", "/api/tools", "ListTools",
          "The tools the agent offers the model now (all listed ones are enabled)", "tools",
          result="tools"),
    # ACP settings
    Route("GET", "/api/acp/config", "GetAcpConfig", "The ACP settings", "acp",
          result="acpConfig"),
    Route("PUT", "/api/acp/config", "UpdateAcpConfig", "Change the ACP settings sent", "acp",
          body_var="input", result="updateAcpConfig"),
    # Platforms
    Route("GET", "/api/platforms", "ListPlatforms", "All platforms", "platforms",
          result="platforms"),
    Route("POST", "/api/platforms", "CreatePlatform", "Store a platform's settings", "platforms",
          status=201, body_var="input", result="createPlatform"),
    Route("GET", "/api/platforms/{id}", "GetPlatform", "One platform", "platforms",
          path_vars=ID, result="platform"),
    Route("PUT", "/api/platforms/{id}", "UpdatePlatform",
          "Update the fields sent; config keys are merged", "platforms",
          path_vars=ID, body_var="input", result="updatePlatform"),
    Route("DELETE", "/api/platforms/{id}", "DeletePlatform", "Delete a platform", "platforms",
          status=204, path_vars=ID),
    # MCP servers
    Route("GET", "/api/mcp/servers", "ListMcpServers", "All MCP servers with their status", "mcp",
          result="mcpServers"),
    Route("POST", "/api/mcp/servers", "CreateMcpServer",
          "Add an MCP server; an enabled one connects in the background", "mcp", status=201,
          body_var="input", result="createMcpServer"),
    Route("GET", "/api/mcp/servers/{id}", "GetMcpServer", "One MCP server", "mcp",
          path_vars=ID, result="mcpServer"),
    Route("PUT", "/api/mcp/servers/{id}", "UpdateMcpServer",
          "Update the fields sent and reconnect", "mcp", path_vars=ID, body_var="input",
          result="updateMcpServer"),
    Route("DELETE", "/api/mcp/servers/{id}", "DeleteMcpServer",
          "Disconnect and delete an MCP server", "mcp", status=204, path_vars=ID),
    Route("POST", "/api/mcp/servers/{id}/enable", "EnableMcpServer",
          "Enable an MCP server and connect it", "mcp", path_vars=ID, result="enableMcpServer"),
    Route("POST", "/api/mcp/servers/{id}/disable", "DisableMcpServer",
          "Disconnect an MCP server and keep its settings", "mcp", path_vars=ID,
          result="disableMcpServer"),
]
