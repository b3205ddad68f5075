"""The state class mixed from one module per API area still behaves as one class."""

from standin import StandIn
from standin.state import METHOD_NAMES
from standin.wire import ApiError
from tests.standin.conftest import call


def test_every_named_method_has_a_handler_and_every_handler_a_name():
    # A handler left out of the mix would answer 404; one without a name would be counted
    # under its lower-case spelling.
    handlers = {name.removeprefix("_api_") for name in dir(StandIn) if name.startswith("_api_")}
    assert handlers == set(METHOD_NAMES)


def test_a_subclass_can_wrap_the_flood_limit_and_the_arrival_of_each_send():
    # The delivery benchmark's recording stand-in notes arrivals and 429s this way.
    class Recording(StandIn):
        def __init__(self) -> None:
            super().__init__(global_rate=1)
            self.arrivals: list[int] = []
            self.refusals = 0

        def _admit(self, chat) -> None:
            try:
                super()._admit(chat)
            except ApiError as error:
                self.refusals += error.code == 429
                raise

        def _add_bot_message(self, chat, message):
            self.arrivals.append(chat.user.id)
            return super()._add_bot_message(chat, message)

    with Recording() as standin:
        youth = standin.new_user()
        statuses = [call(standin, "sendMessage", chat_id=youth.id, text="Hi")[0] for _ in "ab"]
        assert statuses == [200, 429]
        assert standin.arrivals == [youth.id]
        assert standin.refusals == 1
        assert standin.counters["429"] == 1
