"""Bot API methods about the bot itself: identity, updates, webhook, commands, menu button,
callback answers. Nothing here writes into a chat.
"""

from typing import Any

from bot.emulator.core import EmulatorCore, api_method
from bot.emulator.errors import QUERY_INVALID, WEBHOOK_CONFLICT, ApiError, bad_request
from bot.emulator.html_text import utf16_len
from bot.emulator.params import bool_param, float_param, int_param, str_param
from bot.emulator.records import CallbackAnswer
from bot.emulator.rules import check_answer_text, check_commands, require_language_code


def scope_key(scope: Any) -> tuple[Any, ...]:
    """A hashable key for a BotCommandScope given as dict, PTB object or None (default)."""
    if scope is None:
        return ("default",)
    if hasattr(scope, "to_dict"):
        scope = scope.to_dict()
    if not isinstance(scope, dict) or "type" not in scope:
        raise bad_request("can't parse BotCommandScope JSON object")
    key: list[Any] = [scope["type"]]
    for name in ("chat_id", "user_id"):
        if name in scope:
            value = scope[name]
            key.append(int(value) if str(value).lstrip("-").isdigit() else value)
    return tuple(key)


class AccountMixin(EmulatorCore):
    """getMe, getUpdates, commands, menu button, answerCallbackQuery, close (webhooks:
    webhook.py)."""

    @api_method("getMe")
    async def _get_me(self, params: dict[str, Any]) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    @api_method("getUpdates")
    async def _get_updates(self, params: dict[str, Any]) -> Any:
        if self.webhook.get("url"):
            raise ApiError(409, WEBHOOK_CONFLICT)
        allowed = params.get("allowed_updates")
        return await self.updates.get(
            offset=int_param(params, "offset"),
            limit=int_param(params, "limit", 100) or 100,
            timeout=float_param(params, "timeout", 0.0),
            allowed_updates=allowed if isinstance(allowed, list) else None,
        )

    @api_method("setMyCommands")
    async def _set_my_commands(self, params: dict[str, Any]) -> Any:
        commands = check_commands(params.get("commands"))
        key = (scope_key(params.get("scope")), require_language_code(params.get("language_code")))
        if commands:
            self.stored_commands[key] = commands
        else:
            self.stored_commands.pop(key, None)
        return True

    @api_method("getMyCommands")
    async def _get_my_commands(self, params: dict[str, Any]) -> Any:
        key = (scope_key(params.get("scope")), require_language_code(params.get("language_code")))
        return self.stored_commands.get(key, [])

    @api_method("deleteMyCommands")
    async def _delete_my_commands(self, params: dict[str, Any]) -> Any:
        key = (scope_key(params.get("scope")), require_language_code(params.get("language_code")))
        self.stored_commands.pop(key, None)
        return True

    @api_method("setChatMenuButton")
    async def _set_chat_menu_button(self, params: dict[str, Any]) -> Any:
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in {
            "commands",
            "web_app",
            "default",
        }:
            raise bad_request("can't parse menu button JSON object")
        if params.get("chat_id") is None:
            self.default_menu_button = button
        else:
            self.find_chat(params).menu_button = button
        return True

    @api_method("getChatMenuButton")
    async def _get_chat_menu_button(self, params: dict[str, Any]) -> Any:
        if params.get("chat_id") is None:
            return self.default_menu_button
        button = self.find_chat(params).menu_button
        return button if button and button.get("type") != "default" else self.default_menu_button

    @api_method("getChat")
    async def _get_chat(self, params: dict[str, Any]) -> Any:
        chat = self.find_chat(params)
        # ChatFullInfo requires these two fields; their values do not matter here.
        return {**chat.to_json(), "accent_color_id": 0, "max_reaction_count": 11}

    @api_method("answerCallbackQuery")
    async def _answer_callback_query(self, params: dict[str, Any]) -> Any:
        query = self.callbacks.get(str_param(params, "callback_query_id") or "")
        # A query can be answered once; a second answer is refused like an unknown id.
        if query is None or query.answer is not None:
            raise bad_request(QUERY_INVALID)
        query.answer = CallbackAnswer(
            text=check_answer_text(params.get("text")),
            show_alert=bool_param(params, "show_alert"),
            url=str_param(params, "url"),
            cache_time=int_param(params, "cache_time", 0) or 0,
        )
        return True

    @api_method("setMyDescription")
    async def _set_my_description(self, params: dict[str, Any]) -> Any:
        return self._store_setting(params, "description", 512)

    @api_method("setMyShortDescription")
    async def _set_my_short_description(self, params: dict[str, Any]) -> Any:
        return self._store_setting(params, "short_description", 120)

    @api_method("setMyName")
    async def _set_my_name(self, params: dict[str, Any]) -> Any:
        return self._store_setting(params, "name", 64)

    def _store_setting(self, params: dict[str, Any], name: str, limit: int) -> bool:
        value = str_param(params, name) or ""
        # Telegram counts these limits like every text length: in UTF-16 code units.
        if utf16_len(value) > limit:
            raise bad_request(f"{name.upper()}_INVALID")
        language = require_language_code(params.get("language_code"))
        # An empty text removes the dedicated one for that language.
        if value:
            self.bot_settings[(name, language)] = value
        else:
            self.bot_settings.pop((name, language), None)
        return True

    @api_method("getMyDescription")
    async def _get_my_description(self, params: dict[str, Any]) -> Any:
        return {"description": self._setting(params, "description")}

    @api_method("getMyShortDescription")
    async def _get_my_short_description(self, params: dict[str, Any]) -> Any:
        return {"short_description": self._setting(params, "short_description")}

    def _setting(self, params: dict[str, Any], name: str) -> str:
        """The text set for this language_code (empty when none was set for it)."""
        language = require_language_code(params.get("language_code"))
        return self.bot_settings.get((name, language), "")

    @api_method("close")
    async def _close(self, params: dict[str, Any]) -> Any:
        return True

    @api_method("logOut")
    async def _log_out(self, params: dict[str, Any]) -> Any:
        return True
