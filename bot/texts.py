"""Every text a young person reads in the bot, in one place, so their tone can be reviewed together.

English source, Danish catalogue in bot/locale/da. Short, warm and plain: many readers are having
a hard time, so no jargon, no walls of text, and always a next step.
"""

from django.utils.translation import gettext_lazy as _

# --- start and linking ------------------------------------------------------------------------

WELCOME_NO_TOKEN = _(
    "Hi! I am the NExTWORK bot. Here you can find internships and paid hours at local "
    "companies, sign up for match events and see your meetings.\n\n"
    "To begin, you need a personal link from your consultant. Ask them for one, and open it."
)
WELCOME_BACK = _("Welcome back, {name}! What would you like to do?")
LINK_FOR_SOMEONE_ELSE = _(
    "Your Telegram is already linked to your profile, so this link is not needed. "
    "Here is your menu."
)
CONSENT_STANDARD = _(
    "Before we start: what we store and why.\n\n"
    "• Your first name, age, the sectors and hours you choose, and your Telegram name.\n"
    "• The placements you show interest in, your sign-ups and meetings.\n"
    "• Your answers in the weekly check-in.\n\n"
    "We use it to help you into a placement, and your consultant in your municipality can see "
    "it. Companies only see your first name, age, sectors and your message when you show "
    "interest. You can see all your data or delete it at any time under Privacy."
)
CONSENT_QUESTION = _("Is that OK with you?")
CONSENT_ACCEPT = _("Yes, that is OK")
CONSENT_DECLINE = _("No thanks")
CONSENT_DECLINED = _(
    "That is completely OK. We have not stored anything about you. If you change your mind, "
    "just open your link again."
)
LINKED = _("Welcome, {name}! You are all set. 🎉")
LINK_TOO_LONG = _("This link is not valid. Please ask your consultant for a new one.")
LINK_TOO_MANY_TRIES = _(
    "You have tried many links in a short time, so let's take a break. "
    "Please try again in {minutes} minutes, or ask your consultant for help."
)

COMMAND_START = _("Start, or open your link")
COMMAND_MENU = _("Show the menu")
COMMAND_HELP = _("How the bot works")

# --- the menu --------------------------------------------------------------------------------

MENU_TITLE = _("What would you like to do?")
MENU_FIND = _("🔎 Find placements")
MENU_MINE = _("📋 My interests & placements")
MENU_EVENTS = _("🤝 Match events")
MENU_MEETINGS = _("📅 My meetings")
MENU_SETTINGS = _("⚙️ Settings")
MENU_HELP = _("❓ Help")
MENU_PRIVACY = _("🔒 Privacy")
BACK = _("⬅️ Back")
TO_MENU = _("🏠 Menu")

# --- the unexpected --------------------------------------------------------------------------

FREE_TEXT = _("Thanks for your message! I work best with the buttons. Here is the menu.")
STALE_BUTTON = _("That button is no longer active. Here is the menu.")
NOT_FOUND = _("I can't find that any more. It may have been closed or removed.")
NOT_LINKED = _(
    "I don't know you yet. To use the bot you need a personal link from your consultant. "
    "Ask them for one, and open it."
)
STRANGER_TEXT = _(
    "I work best with buttons. If you have a link from your consultant, open it, or tap the "
    "buttons under the last message. No link yet? Ask your consultant for one."
)
SOMETHING_WENT_WRONG = _("Sorry, something went wrong on our side. Please try again in a moment.")
BUSY = _("Many people are using the bot right now. Please try again in a moment.")

# --- browsing --------------------------------------------------------------------------------

BROWSE_TITLE = _("Placements for you ({count} found). Tap one to read more.")
BROWSE_EMPTY = _(
    "No placements match right now. Try other filters, or look again in a few days: new ones "
    "come often."
)
BROWSE_SUIT_FIRST = _(
    "Placements for you: {suiting} match your sectors and hours (⭐, shown first). After them "
    "come {others} other placements. Tap one to read more."
)
BROWSE_ALL_SUIT = _("Placements for you: all {count} match your sectors and hours. Tap one.")
BROWSE_NONE_SUIT = _(
    "None of the open placements match your sectors and hours right now. Here are the other "
    "{count}. Tap one to read more."
)
BROWSE_FILTERS = _("Filters: {sector} · {kind} · {hours}")
YOUR_SECTORS = _("your sectors ({sectors})")
YOUR_HOURS = _("your hours ({hours})")
FILTER_SECTOR = _("Sector")
FILTER_KIND = _("Kind")
FILTER_HOURS = _("Hours")
ANY_SECTOR = _("all sectors")
ANY_KIND = _("all kinds")
ANY_HOURS = _("any hours")
HOURS_VALUE = _("{hours} hours/week")
KIND_INTERNSHIP = _("Internship")
KIND_PAID = _("Paid hours")
PICK_SECTOR = _("Which sector?")
PICK_KIND = _("Which kind?")
PICK_HOURS = _("How many hours a week would you like?")
PREVIOUS = _("◀️ Previous")
NEXT = _("Next ▶️")
PAGE = _("Page {page} of {pages}")

# --- the slot card ---------------------------------------------------------------------------

SLOT_CARD = _(
    "{title}\n"
    "🏢 {company}\n"
    "📍 {place}\n"
    "🕒 {hours_min}–{hours_max} hours a week · {kind}\n"
    "📆 Start: {start}\n\n"
    "{description}"
)
SLOT_EXPERIENCES = _("What other young people said about working here:")
SLOT_EXPERIENCE_LINE = _("• “{text}” ({month})")
SLOT_INTERESTED = _("🙋 I'm interested")
SLOT_ALREADY = _("You have already shown interest in this one. See it under My interests.")
INTEREST_ASK_MESSAGE = _(
    "Great! Would you like to send the company a short message? For example why it sounds "
    "good to you.\n\nWrite it here (at most 500 characters), or tap the button to send "
    "without a message."
)
INTEREST_SEND_WITHOUT = _("Send without a message")
INTEREST_SENT = _(
    "Done! {company} can now see that you are interested. I'll tell you as soon as they answer."
)
INTEREST_MESSAGE_TOO_LONG = _(
    "That message is a bit long ({length} characters). Please keep it under 500, or tap the "
    "button to send without a message."
)

# --- my interests and placements -------------------------------------------------------------

MINE_TITLE = _("Your interests and placements:")
MINE_EMPTY = _("You have not shown interest in any placement yet. Find one under Find placements.")
MINE_INTEREST_LINE = _("🙋 {title} at {company}: {state}")
MINE_PLACEMENT_LINE = _("💼 {title} at {company}: {state}")
INTEREST_DETAIL = _("{title} at {company}\nStatus: {state}")
INTEREST_INTRO = _("Intro meeting: {when}, {place}")
INTEREST_WITHDRAW = _("Withdraw my interest")
INTEREST_WITHDRAW_CONFIRM = _("Do you want to withdraw your interest in {title}?")
INTEREST_WITHDRAW_YES = _("Yes, withdraw")
INTEREST_WITHDRAWN = _("Your interest has been withdrawn.")
PLACEMENT_DETAIL = _("{title} at {company}\nStatus: {state}\n{hours} hours a week, from {start}")
INTEREST_STATES = {
    "pending": _("waiting for the company"),
    "company_accepted": _("the company wants to meet you"),
    "company_declined": _("the company said no this time"),
    "withdrawn": _("withdrawn"),
    "expired": _("closed: the company did not answer"),
}
PLACEMENT_STATES = {
    "proposed": _("waiting for your consultant"),
    "approved": _("approved"),
    "rejected": _("not approved"),
    "active": _("going on now"),
    "completed": _("completed"),
    "ended_early": _("ended"),
    "withdrawn": _("withdrawn"),
}

# --- match events ----------------------------------------------------------------------------

EVENTS_TITLE = _("Match events: meet several companies in one day, together with others.")
EVENTS_EMPTY = _("There are no match events coming up right now. I'll let you know.")
EVENT_DETAIL = _("{title}\n📆 {when}\n📍 {place}\n\n{description}")
EVENT_COMPANIES = _("Companies coming: {companies}")
EVENT_NO_COMPANIES = _("The companies coming will be shown here soon.")
EVENT_SIGNED_UP = _("✅ You have a seat.")
EVENT_WAITLISTED = _("⏳ You are number {position} on the waitlist.")
EVENT_FULL = _("The event is full, but you can join the waitlist.")
EVENT_SIGN_UP = _("Sign me up")
EVENT_JOIN_WAITLIST = _("Join the waitlist")
EVENT_CANCEL = _("Cancel my sign-up")
EVENT_CANCEL_CONFIRM = _("Do you want to cancel your sign-up for {title}?")
EVENT_CANCEL_YES = _("Yes, cancel")
EVENT_CONFIRMED_MSG = _("You are signed up for {title}! See you on {when}.")
EVENT_WAITLIST_MSG = _(
    "The event is full, so you are number {position} on the waitlist. If a seat becomes free, "
    "you get it and I'll tell you."
)
EVENT_CANCELLED_MSG = _("Your sign-up has been cancelled.")

# --- meetings --------------------------------------------------------------------------------

MEETINGS_TITLE = _("Your coming meetings:")
MEETINGS_EMPTY = _("You have no meetings coming up.")
MEETING_LINE = _("👥 Group meeting {when}, {place}")
MEETING_EXCUSED_LINE = _("👥 Group meeting {when}, {place} (you said you can't come)")
INTRO_LINE = _("🤝 Intro meeting at {company} {when}, {place}")
INTRO_CANT_COME_LINE = _("🤝 Intro meeting at {company} {when}, {place} (you said you can't come)")
MEETING_CANT_COME = _("I can't come {when}")
MEETING_EXCUSED = _(
    "Thanks for telling us. We'll let the group leader and your consultant know. Take care!"
)
INTRO_EXCUSED = _(
    "Thanks for telling us. We'll let {company} and your consultant know. The company may "
    "suggest another time."
)

# --- settings --------------------------------------------------------------------------------

SETTINGS_TITLE = _(
    "Your settings:\n"
    "Language: {language}\n"
    "Sectors: {sectors}\n"
    "Hours a week: {hours}\n"
    "Reminders: {reminders}\n"
    "New placements by message: {alerts}\n"
    "Share check-in sentences: {share}"
)
SETTINGS_LANGUAGE = _("Language")
SETTINGS_SECTORS = _("Sectors")
SETTINGS_HOURS = _("Hours")
SETTINGS_NONE = _("none chosen")
ON = _("on")
OFF = _("off")
REMINDERS_ON = _("🔔 Reminders on")
REMINDERS_OFF = _("🔕 Reminders off")
SHARE_ON = _("Share my sentences")
SHARE_OFF = _("Don't share my sentences")
LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}
SECTORS_PICK = _("Tap the sectors you like (tap again to remove). ✅ = chosen.")
DONE = _("Done")
SAVED = _("Saved.")
# Each said in the language it names, right after the switch.
LANGUAGE_SAVED = {
    "en": _("OK, I'll write in English from now on."),
    "da": _("OK, I'll write in Danish from now on."),
}
ALERTS_ON = _("🔔 Tell me about new placements")
ALERTS_OFF = _("🔕 No messages about new placements")
ALERTS_TURNED_ON = _(
    "OK! When new placements that suit you come, I'll send you one message that day (never "
    "more than one a day, and never at night). You can stop it under Settings."
)
ALERTS_TURNED_OFF = _("OK, no more messages about new placements.")
SHARE_TURNED_ON = _(
    "Your check-in sentences will now be shown to other young people who look at the same "
    "company: without your name, only with the month. Your score is never shown. You can turn "
    "it off here at any time."
)
SHARE_TURNED_OFF = _("Your check-in sentences are no longer shown to other young people.")
FIRST_SECTORS_PICK = _(
    "Which sectors would you like to work in? Tap one or more (✅ = chosen), and I'll show you "
    "those placements first. You can change it later under Settings."
)
FIRST_SECTORS_DONE = _("Done: show me placements")
FIRST_SECTORS_SKIP = _("Skip")

# --- help and privacy ------------------------------------------------------------------------

HELP = _(
    "How it works:\n"
    "🔎 Find placements: read about placements and tap “I'm interested”.\n"
    "🤝 Match events: meet companies together with other young people.\n"
    "📅 My meetings: see your meetings, and tell us if you can't come.\n\n"
    "Questions? Your consultant is happy to help. You can always go back to the menu with the "
    "🏠 button."
)
PRIVACY = _(
    "Your data is yours. You can get a file with everything we store about you, or delete it "
    "all. Deleting also ends your sign-ups and interests."
)
PRIVACY_EXPORT = _("📄 Send me my data")
PRIVACY_ERASE = _("🗑 Delete my data")
PRIVACY_EXPORT_CAPTION = _("Here is everything we store about you.")
PRIVACY_ERASE_CONFIRM = _(
    "Are you sure? Your profile, interests, sign-ups and check-ins will be deleted, and you can "
    "no longer use the bot. This cannot be undone."
)
PRIVACY_ERASE_YES = _("Yes, delete everything")
PRIVACY_ERASE_NO = _("No, keep it")
PRIVACY_ERASED = _(
    "Your data has been deleted. Thank you for being part of NExTWORK, and good luck! "
    "If you want to come back, ask your consultant for a new link."
)

# --- check-in --------------------------------------------------------------------------------

CHECKIN_PROMPT = _("Hi {name}! How was this week at {company}? Tap a number: 1 is bad, 5 is great.")
CHECKIN_ASK_TEXT = _(
    "Thanks! Would you like to add one sentence about your week? Write it here, or tap Skip."
)
CHECKIN_SKIP = _("Skip")
CHECKIN_THANKS = _("Thank you for checking in! Have a good weekend. 🌟")
CHECKIN_ASK_SHARE = _(
    "Thank you! May other young people read your sentence when they look at this company? "
    "It is shown without your name, only with the month."
)
CHECKIN_SHARE_YES = _("Yes, share it")
CHECKIN_SHARE_NO = _("No, keep it private")
CHECKIN_SHARED = _("Thank you for sharing! It helps others a lot. 🌟")
CHECKIN_TEXT_TOO_LONG = _(
    "That is a bit long ({length} characters). Please keep it under 500, or tap Skip."
)

# --- pushed messages -------------------------------------------------------------------------

PUSH_INTEREST_ACCEPTED = _(
    "Good news! 🎉 {company} would like to meet you about {title}.\nIntro meeting: {when}, {place}"
)
PUSH_INTEREST_DECLINED = _(
    "{company} has said no to {title} this time. Don't give up, there are other good places. 💪"
)
# Nobody left waiting (domain/services/waiting.py)
PUSH_INTEREST_WAITING = _(
    "{company} has not answered your interest in {title} yet. That is not your fault, and your "
    "consultant knows and will follow up. 🙂 Do you want to keep waiting, or withdraw your "
    "interest?"
)
PUSH_INTEREST_CLOSED = _(
    "{company} did not answer your interest in {title}, so we have closed it. That says nothing "
    "about you. Your consultant knows, and there are other good places to look at. 💪"
)
INTEREST_KEEP_WAITING = _("I'll keep waiting")
INTEREST_KEPT_WAITING = _(
    "Good, your interest stays open. We will tell you when {company} answers."
)
PUSH_PLACEMENT_APPROVED = _(
    "Your placement at {company} has been approved! 🎉 You start on {start}, {hours} hours a week."
)
PUSH_PLACEMENT_REJECTED = _(
    "Your consultant could not approve the placement at {company} this time. They will talk it "
    "through with you."
)
PUSH_WAITLIST_PROMOTED = _("A seat became free: you now have a seat at {title} on {when}! 🎉")
PUSH_MEETING_MOVED = _("Your group meeting has moved. New time: {when}, {place}.")
PUSH_MEETING_CANCELLED = _("Your group meeting on {when} has been cancelled.")
PUSH_EVENT_CANCELLED = _("The match event {title} on {when} has been cancelled. Sorry!")
REMIND_MEETING = _("Reminder: group meeting {when}, {place}. See you there!")
REMIND_EVENT = _("Reminder: match event {title} {when}, {place}. Good luck!")
REMIND_INTRO = _("Reminder: intro meeting at {company} {when}, {place}. You can do it!")
REMIND_PLACEMENT_START = _("Tomorrow you start at {company}. Good luck! 🍀")
# --- asking afterwards (after leaving; the youth's own choice) --------------------------------

FOLLOWUP_INVITE = _(
    "You have finished with NExTWORK. Thank you for being part of it! 🌱\n\n"
    "May we write to you in {months} months and ask one short question about how it is going? "
    "It helps your municipality learn what works. You can always just not answer."
)
FOLLOWUP_INVITE_YES = _("Yes, you may ask me")
FOLLOWUP_INVITE_NO = _("No thanks")
FOLLOWUP_INVITE_THANKS = _("Thank you! We will write to you then. Take care until then. 👋")
FOLLOWUP_INVITE_DECLINED = _("That's fine. We won't write again. Good luck! 👋")
FOLLOWUP_QUESTION = _(
    "Hi! It is {months} months since you finished with NExTWORK. What are you doing now? "
    "Tap the answer that fits best."
)
FOLLOWUP_REMINDER = _(
    "Hi again! Only if you feel like it: what are you doing now, {months} months after "
    "NExTWORK? This is the last time we ask."
)
FOLLOWUP_ANSWER_JOB = _("A job")
FOLLOWUP_ANSWER_EDUCATION = _("Education")
FOLLOWUP_ANSWER_LOOKING = _("Looking")
FOLLOWUP_ANSWER_OTHER = _("Something else")
FOLLOWUP_ANSWER_NOT_SAY = _("Rather not say")
FOLLOWUP_THANKS = _("Thank you for answering! All the best. 🌟")
FOLLOWUP_CLOSED = _("This question is closed. Thank you anyway!")
PUSH_NEW_SLOTS = _("New placements that suit you: 🔎")
NEW_SLOT_LINE = _("• {title} at {company}")
PUSH_NEW_SLOTS_GONE = _(
    "New placements came today, but they have already been taken. Look at the others under "
    "Find placements."
)
PUSH_FALLBACK = _("You have a new message from NExTWORK. Open the menu to see more.")
# --- writing to the consultant ----------------------------------------------------------------

TALK_CONFIRM = _("Send this to {name}?\n\n“{text}”")
TALK_CONFIRM_CONSULTANTS = _("Send this to your consultants?\n\n“{text}”")
TALK_SEND = _("✉️ Yes, send it")
TALK_DROP = _("No, don't send")
TALK_SENT = _("Sent to {name}. The answer comes here in the chat.")
TALK_SENT_CONSULTANTS = _("Sent to your consultants. The answer comes here in the chat.")
TALK_DROPPED = _("OK, I didn't send it. Here is the menu.")
TALK_NOTHING_TO_SEND = _(
    "There is no message waiting to be sent. Just write it here in the chat. Here is the menu."
)
TALK_TOO_LONG = _(
    "That message is a bit long ({length} characters). Please keep it under 2000 characters."
)
PUSH_CONSULTANT_MESSAGE = _(
    "✉️ From {sender}, your consultant:\n\n{text}\n\nYou can answer by writing here in the chat."
)
