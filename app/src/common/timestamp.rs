//! A point in time as whole milliseconds since the Unix epoch. Stored as a
//! BIGINT on every backend (so SQL compares numbers, not text formats) and sent
//! over the wire as RFC 3339 text.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_millis(ms: i64) -> Self {
        Timestamp(ms)
    }

    pub const fn millis(self) -> i64 {
        self.0
    }

    pub fn from_datetime(t: OffsetDateTime) -> Self {
        Timestamp((t.unix_timestamp_nanos() / 1_000_000) as i64)
    }

    pub fn to_datetime(self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    pub fn plus_secs(self, secs: i64) -> Self {
        Timestamp(self.0.saturating_add(secs.saturating_mul(1000)))
    }

    /// RFC 3339 in UTC, to the second: what the API shows.
    pub fn to_rfc3339(self) -> String {
        let t = self.to_datetime();
        let t = t.replace_nanosecond(0).unwrap_or(t);
        t.format(&Rfc3339).unwrap_or_default()
    }

    /// `display_short` of a time that may be missing, or `none` instead.
    pub fn display_short_or(t: Option<Timestamp>, none: &str) -> String {
        t.map_or_else(|| none.to_owned(), Timestamp::display_short)
    }

    /// Date and time to the minute in UTC, as the page's language writes
    /// them: "3 Dec 2026, 20:15 UTC", "2026年12月3日 20:15 UTC".
    pub fn display_short(self) -> String {
        self.display_short_in(crate::i18n::lang())
    }

    pub fn display_short_in(self, lang: crate::i18n::Lang) -> String {
        const MONTHS: [&str; 12] =
            ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        let t = self.to_datetime();
        let (year, month, day) = (t.year(), u8::from(t.month()), t.day());
        let (hour, minute) = (t.hour(), t.minute());
        match lang {
            crate::i18n::Lang::En => {
                let name = MONTHS[usize::from(month.clamp(1, 12) - 1)];
                format!("{day} {name} {year}, {hour:02}:{minute:02} UTC")
            }
            crate::i18n::Lang::ZhHans => {
                format!("{year}年{month}月{day}日 {hour:02}:{minute:02} UTC")
            }
        }
    }

    /// A calendar day `YYYY-MM-DD`, read as the end of that day in UTC.
    pub fn parse_day_end(text: &str) -> Option<Self> {
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        let day = time::Date::parse(text.trim(), &fmt).ok()?;
        let end = day.with_hms(23, 59, 59).ok()?.assume_utc();
        Some(Self::from_datetime(end))
    }

    /// The UTC calendar day, `YYYY-MM-DD`, as a date input shows it.
    pub fn day(self) -> String {
        let t = self.to_datetime();
        format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
    }

    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        OffsetDateTime::parse(text, &Rfc3339).ok().map(Self::from_datetime)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Timestamp::parse_rfc3339(&text)
            .ok_or_else(|| serde::de::Error::custom("expected an RFC 3339 date and time"))
    }
}

#[cfg(feature = "ssr")]
impl utoipa::PartialSchema for Timestamp {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .description(Some("RFC 3339 time in UTC, e.g. 2026-12-03T10:00:00Z"))
            .into()
    }
}

#[cfg(feature = "ssr")]
impl utoipa::ToSchema for Timestamp {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_rfc3339() {
        let t = Timestamp::from_millis(1_764_793_200_000);
        assert_eq!(t.to_rfc3339(), "2025-12-03T20:20:00Z");
        assert_eq!(Timestamp::parse_rfc3339(&t.to_rfc3339()), Some(t));
        assert_eq!(t.display_short_in(crate::i18n::Lang::En), "3 Dec 2025, 20:20 UTC");
        assert_eq!(t.display_short_in(crate::i18n::Lang::ZhHans), "2025年12月3日 20:20 UTC");
    }

    #[test]
    fn days_read_as_their_end_in_utc() {
        let t = Timestamp::parse_day_end("2027-01-31").unwrap();
        assert_eq!(t.to_rfc3339(), "2027-01-31T23:59:59Z");
        assert_eq!(t.day(), "2027-01-31");
        assert_eq!(Timestamp::parse_day_end("2027-02-30"), None);
    }

    #[test]
    fn rejects_text_that_is_not_a_date() {
        assert_eq!(Timestamp::parse_rfc3339("yesterday"), None);
    }
}
