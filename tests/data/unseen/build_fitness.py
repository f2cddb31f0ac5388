"""Write an unseen plan: Stridely, a fitness / running app in an English ThinkingData workbook.

A plan in the shape an English-speaking team hands over from ThinkingData's English template
(``Event Name (required)``, ``Event Display Name`` … ``Remark``; sheets ``#Event Data``,
``#Common Event Properties``, ``#User Data``): onboarding (goal, weight, height, birth
year), workouts started, paused and completed (``workout_type`` run | walk | cycle | yoga |
strength, duration, distance, pace, calories, heart rates, steps), watches connected
(Apple Watch, Garmin, Fitbit, Wear OS), goals set and achieved, badges (``first_5k``,
``streak_7`` …), challenges, follows and kudos, shared workouts, and a premium subscription
(paywall, monthly | annual in USD / EUR / GBP with a trial). User properties set, set once
and added to. Quirks as found in the wild: event cells merged over their property rows,
blank rows between groups, a ``Remark`` column beside the description, a property typed two
ways (``challenge_id`` a string on the join, a number on the completion), and a note row at
the foot of the event sheet. Written by the tests (``write_fitness(folder)``), never kept as
a binary.
"""

from __future__ import annotations

from pathlib import Path

from tests.taxonomy.taxonomy_files import Sheets, spaced_block_merges, write_workbook_plan

PRODUCT = {
    "industry": "fitness",
    "platform": "mobile_app",
    "product_name": "Stridely",
    "description": "Running and fitness tracker for iOS and Android in the US and Europe: "
                   "GPS runs, walks and rides, yoga and strength sessions, watch sync, "
                   "badges, challenges with friends and a Premium subscription "
                   "(monthly 9.99 USD or annual 59.99 USD, 7-day free trial).",
}

HEADER = ("Event Name (required)", "Event Display Name", "Event Description", "Event Tag",
          "Property Name (required)", "Property Display Name", "Property Type (required)",
          "Property Description", "Remark")
BLANK: tuple = (None,) * len(HEADER)

_SDK = "Collected automatically by the client SDK"
_WORKOUT = "(Enum: run, walk, cycle, yoga, strength)"
_DEVICE = "(Enum: Apple Watch, Garmin, Fitbit, Wear OS)"
_GOAL = "(Enum: lose_weight, get_fit, run_5k, run_10k, marathon)"
_BADGES = "e.g. first_5k, first_10k, first_half, streak_7, streak_30, early_bird, century_ride"


def row(*cells: str | None) -> tuple:
    """A further property row of the event above (A-D blank: merged in the workbook); the
    Remark column is blank unless given."""
    return (None, None, None, None, *cells, *(None,) * (5 - len(cells)))


# fmt: off
EVENT_ROWS: list[tuple] = [
    HEADER,
    ("ta_app_install", "App Install", _SDK, "Preset", None, None, None, None, None),
    ("ta_app_start", "App Start", _SDK, "Preset", None, None, None, None, None),
    ("ta_app_end", "App End", _SDK, "Preset", "#duration", "Session Length", "number",
     "Time in the app, seconds", None),
    BLANK,
    ("sign_up", "Sign Up", "Account created, once per account", "Account",
     "signup_method", "Sign-up Method", "string", "(Enum: Apple, Google, Email, Facebook)",
     None),
    ("onboarding_complete", "Onboarding Complete",
     "User finishes the onboarding questionnaire, once per user", "Account",
     "goal", "Main Goal", "string", _GOAL, None),
    row("weight_kg", "Weight", "number", "Body weight in kg (40~150)", "imperial users: lb "
        "converted client-side"),
    row("height_cm", "Height", "number", "Height in cm (140~210)"),
    row("birth_year", "Birth Year", "number", "(1950~2010)"),
    ("login", "Login", "Every successful login", "Account",
     "login_method", "Login Method", "string", "(Enum: Apple, Google, Email, Facebook)", None),
    ("device_connect", "Device Connected", "A watch or tracker is paired with the app",
     "Devices", "device_type", "Device", "string", _DEVICE, None),
    row("firmware_version", "Firmware Version", "string", "e.g. 10.2.1"),
    BLANK,
    ("workout_start", "Workout Start", "User taps Start on a workout", "Workout",
     "workout_id", "Workout ID", "string", "e.g. wk_8f3a21", None),
    row("workout_type", "Workout Type", "string", _WORKOUT),
    row("device_type", "Recording Device", "string", "(Enum: Phone, Apple Watch, Garmin, "
        "Fitbit, Wear OS)", "Phone when no watch is paired"),
    ("workout_pause", "Workout Pause", "User pauses a running workout", "Workout",
     "workout_id", "Workout ID", "string", None, None),
    row("workout_type", "Workout Type", "string", _WORKOUT),
    row("elapsed_sec", "Elapsed Time", "number", "Seconds since start (0~14400)"),
    ("workout_complete", "Workout Complete", "User saves a finished workout", "Workout",
     "workout_id", "Workout ID", "string", None, None),
    row("workout_type", "Workout Type", "string", _WORKOUT),
    row("duration_sec", "Duration", "number", "Moving time in seconds (60~14400)"),
    row("distance_km", "Distance", "number", "Kilometres (0~200)",
        "0 for yoga and strength"),
    row("avg_pace_sec_per_km", "Average Pace", "number", "Seconds per km (120~1200)",
        "duration / distance"),
    row("calories_kcal", "Calories", "number", "Active calories (10~3000)"),
    row("avg_heart_rate", "Average Heart Rate", "number", "bpm (60~200)"),
    row("max_heart_rate", "Max Heart Rate", "number", "bpm (80~220)"),
    row("steps", "Steps", "number", "(0~60000)", "run and walk only"),
    BLANK,
    ("goal_set", "Goal Set", "User sets a weekly goal", "Goals",
     "goal_type", "Goal Type", "string", "(Enum: weekly_distance_km, weekly_workouts)", None),
    row("goal_value", "Goal Value", "number", "(1~100)"),
    ("goal_achieved", "Goal Achieved", "The weekly goal is reached", "Goals",
     "goal_type", "Goal Type", "string", "(Enum: weekly_distance_km, weekly_workouts)", None),
    row("goal_value", "Goal Value", "number", "(1~100)"),
    row("progress_value", "Progress", "number", "Progress when achieved (1~200)"),
    ("badge_earned", "Badge Earned", "A badge is awarded", "Goals",
     "badge_id", "Badge", "string", _BADGES, None),
    BLANK,
    ("challenge_join", "Challenge Join", "User joins a monthly challenge", "Social",
     "challenge_id", "Challenge ID", "string", "e.g. ch_2024_05_100k", None),
    ("challenge_complete", "Challenge Complete", "User completes a joined challenge",
     "Social", "challenge_id", "Challenge ID", "number", "Challenge number",
     "sent as a number by the Android app"),
    row("rank", "Rank", "number", "(1~5000)"),
    ("friend_follow", "Follow Friend", "User follows another athlete", "Social",
     "friend_user_id", "Friend ID", "string", "e.g. u_102938", None),
    ("kudos_give", "Give Kudos", "User gives kudos on a friend's workout", "Social",
     "target_user_id", "Athlete ID", "string", None, None),
    row("target_workout_id", "Workout ID", "string", None),
    ("share_workout", "Share Workout", "User shares a workout", "Social",
     "workout_id", "Workout ID", "string", None, None),
    row("share_channel", "Channel", "string", "(Enum: Instagram, WhatsApp, Strava, Link)"),
    BLANK,
    ("paywall_view", "Paywall View", "The Premium paywall is shown", "Premium",
     "paywall_source", "Source", "string", "(Enum: onboarding, plans_tab, locked_feature)",
     None),
    ("subscription_start", "Subscription Start", "A Premium subscription is bought",
     "Premium", "plan", "Plan", "string", "(Enum: monthly, annual)", None),
    row("price", "Price", "number", "Price charged (0.99~99.99)", "0 during the trial"),
    row("currency", "Currency", "string", "(Enum: USD, EUR, GBP)"),
    row("is_trial", "Free Trial", "boolean", "true when the subscription starts as a trial"),
    row("order_id", "Order ID", "string", "e.g. GPA.3312-4410"),
    ("subscription_cancel", "Subscription Cancel", "User turns off auto-renewal", "Premium",
     "plan", "Plan", "string", "(Enum: monthly, annual)", None),
    row("cancel_reason", "Reason", "string", "(Enum: too_expensive, not_using, other)"),
    ("settings_change", "Settings Change", "User changes a setting", "Settings",
     "setting_key", "Setting", "string", "(Enum: units, auto_pause, audio_cues)", None),
    ("logout", "Logout", "User logs out", "Account", None, None, None, None, None),
    BLANK,
    ("Note: distances are always sent in km and paces in seconds per km, whatever the "
     "user's units.", None, None, None, None, None, None, None, None),
]

COMMON_ROWS: list[tuple] = [
    ("Property Name (required)", "Property Display Name", "Property Type (required)",
     "Property Description"),
    ("#os", "OS", "string", "iOS, Android"),
    ("app_version", "App Version", "string", "e.g. 4.8.0"),
    ("units", "Units", "string", "(Enum: metric, imperial)"),
    ("premium_status", "Premium", "boolean", "true while subscribed"),
]

USER_ROWS: list[tuple] = [
    ("Property Name (required)", "Property Display Name", "Property Type (required)",
     "Update Method", "Property Description"),
    ("signup_date", "Sign-up Date", "time", "user_setOnce", "Set on sign-up"),
    ("goal", "Main Goal", "string", "user_set", _GOAL),
    ("weight_kg", "Weight", "number", "user_set", "Latest body weight in kg (40~150)"),
    ("height_cm", "Height", "number", "user_setOnce", "Height in cm (140~210)"),
    ("birth_year", "Birth Year", "number", "user_setOnce", "(1950~2010)"),
    ("device_type", "First Device", "string", "user_setOnce", _DEVICE),
    ("total_workouts", "Total Workouts", "number", "user_add", "+1 per completed workout"),
    ("total_distance_km", "Total Distance", "number", "user_add",
     "Adds each completed workout's distance_km"),
    ("weekly_streak", "Weekly Streak", "number", "user_set",
     "Consecutive weeks with the weekly goal reached"),
    ("best_5k_sec", "Best 5K", "number", "user_set", "Fastest 5 km in seconds (900~3600)"),
    ("badges_count", "Badges", "number", "user_add", "+1 per badge"),
    ("premium_status", "Premium", "boolean", "user_set", "true while subscribed"),
    ("subscription_plan", "Plan", "string", "user_set", "(Enum: monthly, annual)"),
    ("following_count", "Following", "number", "user_add", "+1 per follow"),
]
# fmt: on


def write_fitness(folder: Path) -> Path:
    """Write ``taxonomy.xlsx`` and ``product.json`` into ``folder``; return the folder."""
    sheets: Sheets = {"#Event Data": EVENT_ROWS, "#Common Event Properties": COMMON_ROWS,
                      "#User Data": USER_ROWS}
    merges = {"#Event Data": spaced_block_merges(EVENT_ROWS)}
    return write_workbook_plan(folder, sheets, PRODUCT, merges)
