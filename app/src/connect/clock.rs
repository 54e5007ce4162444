//! The countdowns of connection tokens: a clock that ticks once a second in
//! the browser, and how a number of seconds reads.

use crate::i18n::tf;
use leptos::prelude::*;

/// The wall clock in whole seconds, updated once a second in the browser.
/// Only for display: tokens expire on the server, by the server's clock.
pub fn use_clock() -> RwSignal<i64> {
    let now = RwSignal::new(wall_clock_secs());
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || now.set(wall_clock_secs()),
            std::time::Duration::from_secs(1),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    });
    now
}

/// Reading the clock (rather than counting ticks) keeps the countdown right
/// when the browser slows timers down in a background tab.
#[allow(clippy::disallowed_methods)]
pub fn wall_clock_secs() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Seconds left of `expire_time` (as the server counted them when it
/// answered), `elapsed` seconds later.
pub fn left_after(expire_time: i64, elapsed: i64) -> i64 {
    (expire_time - elapsed.max(0)).max(0)
}

/// "4:59", "1:02:03", or "29 d 23:59:59".
pub fn format_left(secs: i64) -> String {
    let secs = secs.max(0);
    let (days, hours, minutes, seconds) =
        (secs / 86_400, secs / 3_600 % 24, secs / 60 % 60, secs % 60);
    let clock = if days > 0 || hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    };
    if days > 0 {
        tf("{days} d {time}", &[("days", days.to_string()), ("time", clock)])
    } else {
        clock
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdowns_read_as_minutes_hours_and_days() {
        assert_eq!(format_left(299), "4:59");
        assert_eq!(format_left(5), "0:05");
        assert_eq!(format_left(3_723), "1:02:03");
        assert_eq!(format_left(30 * 86_400 - 1), "29 d 23:59:59");
        assert_eq!(format_left(-3), "0:00");
    }

    #[test]
    fn the_countdown_stops_at_zero() {
        assert_eq!(left_after(300, 1), 299);
        assert_eq!(left_after(300, 400), 0);
        assert_eq!(left_after(300, -5), 300);
    }
}
