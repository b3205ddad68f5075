"""The deployment check refuses a production configuration that would use the stand-in."""

from bot.checks import telegram_configured


def test_production_without_a_token_is_a_deploy_warning(settings):
    settings.DEBUG = False
    settings.TELEGRAM_USE_STANDIN = True
    [warning] = telegram_configured(None)
    assert warning.id == "nextwork.W001"
    assert "TELEGRAM_BOT_TOKEN" in warning.msg


def test_production_with_a_token_passes(settings):
    settings.DEBUG = False
    settings.TELEGRAM_USE_STANDIN = False
    assert telegram_configured(None) == []


def test_development_may_use_the_stand_in(settings):
    settings.DEBUG = True
    settings.TELEGRAM_USE_STANDIN = True
    assert telegram_configured(None) == []
