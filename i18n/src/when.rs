//! Dates and times as people read them: in the local time zone (KST for
//! most users), on a 12-hour clock, with the month spelled out in English.
//!
//! `--json` output keeps RFC 3339 in UTC; these are for people only.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::Msg;

/// The date and time of `unix` (seconds) in `tz`:
/// `2026년 12월 2일 오전 4:47` / `December 2, 2026, 4:47 AM`.
pub fn date_time_in(unix: i64, tz: &TimeZone) -> Msg {
    let Ok(at) = Timestamp::from_second(unix) else {
        return Msg::new("time-unknown");
    };
    let z = at.to_zoned_datetime(tz.clone());
    let hour = z.hour();
    let hour12 = match hour % 12 {
        0 => 12,
        h => h,
    };
    Msg::new("date-time")
        .arg("year", i64::from(z.year()))
        .arg("month", i64::from(z.month()))
        .arg("day", i64::from(z.day()))
        .arg("hour", i64::from(hour12))
        .arg("minute", format!("{:02}", z.minute()))
        .arg("ampm", if hour < 12 { "am" } else { "pm" })
}

/// The date of `unix` (seconds) in `tz`: `2026년 12월 2일` / `December 2, 2026`.
pub fn date_in(unix: i64, tz: &TimeZone) -> Msg {
    let Ok(at) = Timestamp::from_second(unix) else {
        return Msg::new("time-unknown");
    };
    let z = at.to_zoned_datetime(tz.clone());
    Msg::new("date")
        .arg("year", i64::from(z.year()))
        .arg("month", i64::from(z.month()))
        .arg("day", i64::from(z.day()))
}

/// [`date_time_in`] in this computer's time zone.
pub fn date_time(unix: i64) -> Msg {
    date_time_in(unix, &local_zone())
}

/// [`date_in`] in this computer's time zone.
pub fn date(unix: i64) -> Msg {
    date_in(unix, &local_zone())
}

/// Parses an RFC 3339 time (as certificate summaries carry) into Unix
/// seconds.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    text.parse::<Timestamp>().ok().map(Timestamp::as_second)
}

/// This computer's time zone (`TZ`, then the system's setting); UTC when
/// it cannot be told.
pub fn local_zone() -> TimeZone {
    TimeZone::try_system().unwrap_or(TimeZone::UTC)
}

/// A compact local time for file names: `2026-12-02-044700`.
pub fn file_stamp(unix: i64) -> String {
    let Ok(at) = Timestamp::from_second(unix) else {
        return unix.to_string();
    };
    at.to_zoned_datetime(local_zone()).strftime("%Y-%m-%d-%H%M%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;

    fn seoul() -> TimeZone {
        // A fixed UTC+9 needs no time zone database.
        TimeZone::fixed(jiff::tz::offset(9))
    }

    #[test]
    fn kst_morning_and_afternoon() {
        // 2026-12-01T19:47:00Z is 2026-12-02 04:47 in Seoul.
        let t = 1_796_154_420;
        assert_eq!(date_time_in(t, &seoul()).render(Lang::Ko), "2026년 12월 2일 오전 4:47");
        assert_eq!(date_time_in(t, &seoul()).render(Lang::En), "December 2, 2026, 4:47 AM");
        // Noon and midnight on a 12-hour clock.
        let noon = t + 7 * 3600 + 13 * 60; // 12:00 KST
        assert_eq!(date_time_in(noon, &seoul()).render(Lang::Ko), "2026년 12월 2일 오후 12:00");
        let midnight = noon + 12 * 3600; // 00:00 the next day
        assert_eq!(date_time_in(midnight, &seoul()).render(Lang::En), "December 3, 2026, 12:00 AM");
        assert_eq!(date_in(t, &seoul()).render(Lang::Ko), "2026년 12월 2일");
        assert_eq!(date_in(t, &seoul()).render(Lang::En), "December 2, 2026");
    }

    #[test]
    fn rfc3339_round_trips_to_seconds() {
        assert_eq!(parse_rfc3339("2026-12-01T19:47:00Z"), Some(1_796_154_420));
        assert_eq!(parse_rfc3339("not a time"), None);
    }
}
