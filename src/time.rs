//! Time stamps: parsing the forms syslog writes, resolving the year RFC 3164 leaves out, printing RFC 3339 UTC.
//!
//! No wall clock is read here: the caller says what "now" is (the command reads its clock, the library
//! component is told by its host), so the core stays deterministic and capability-free.

use crate::json::push_digits3;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::io::Write as _;

/// An instant in UTC, with the number of fractional digits the log wrote (kept for printing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub secs: i64,
    /// Nanoseconds within the second.
    pub nanos: u32,
    /// Fractional digits to print (0 to 9), as many as the log had.
    pub frac_digits: u8,
}

impl Timestamp {
    /// Builds a time stamp from civil UTC parts; `None` when a part is out of range.
    pub fn from_civil(
        year: i32,
        month: u32,
        day: u32,
        h: u32,
        m: u32,
        s: u32,
    ) -> Option<Timestamp> {
        if !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || h > 23
            || m > 59
            || s > 60
        {
            return None;
        }
        let days = days_from_civil(year, month, day);
        Some(Timestamp {
            secs: days * 86_400 + (h * 3600 + m * 60 + s) as i64,
            nanos: 0,
            frac_digits: 0,
        })
    }

    /// The same instant shifted by `offset_s` seconds (to turn local time into UTC, pass minus the offset).
    pub fn shifted(self, offset_s: i64) -> Timestamp {
        Timestamp {
            secs: self.secs + offset_s,
            ..self
        }
    }

    /// Sets the fraction from its decimal digits (`"123"` = 123 ms); extra digits past nine are ignored.
    pub fn with_fraction(mut self, digits: &[u8]) -> Timestamp {
        let n = digits.len().min(9);
        let mut nanos: u32 = 0;
        for &d in &digits[..n] {
            nanos = nanos * 10 + (d - b'0') as u32;
        }
        for _ in n..9 {
            nanos *= 10;
        }
        self.nanos = nanos;
        self.frac_digits = n as u8;
        self
    }

    /// Civil UTC date (year, month, day).
    pub fn date(&self) -> (i32, u32, u32) {
        civil_from_days(self.secs.div_euclid(86_400))
    }

    /// Writes RFC 3339 in UTC, e.g. `2026-12-04T19:40:01.123456Z`.
    pub fn write_rfc3339(&self, out: &mut Vec<u8>) {
        self.write_rfc3339_as::<false>(out);
    }

    /// Writes RFC 3339 in UTC as a JSON string (in double quotes), saving the separate pushes of the quotes.
    pub fn write_rfc3339_quoted(&self, out: &mut Vec<u8>) {
        self.write_rfc3339_as::<true>(out);
    }

    /// [`Timestamp::write_rfc3339`], in double quotes if `QUOTED`.
    fn write_rfc3339_as<const QUOTED: bool>(&self, out: &mut Vec<u8>) {
        let frac = self.frac_digits > 0;
        let cached = LAST_SECOND.with_borrow_mut(|last| {
            if last.secs != Some(self.secs) && !last.update(self.secs) {
                return false;
            }
            // A range of constant length: the copy compiles to a few stores rather than a call (in
            // WebAssembly a call to the host). The dot is cut off again when there is no fraction.
            out.extend_from_slice(if QUOTED {
                &last.bytes[..]
            } else {
                &last.bytes[1..]
            });
            if !frac {
                out.truncate(out.len() - 1);
            }
            true
        });
        if !cached {
            // A year that is not four digits: rare, left to the formatting machinery.
            let (y, mo, d) = self.date();
            let sod = self.secs.rem_euclid(86_400) as u32;
            let quote = if QUOTED { "\"" } else { "" };
            let dot = if frac { "." } else { "" };
            let _ = write!(
                out,
                "{quote}{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}{dot}",
                sod / 3600,
                sod / 60 % 60,
                sod % 60
            );
        }
        if frac {
            self.write_fraction_digits(out);
        }
        out.extend_from_slice(if QUOTED { b"Z\"" } else { b"Z" });
    }

    /// Writes the `frac_digits` digits of the fraction as logged: the first of the nine of the nanoseconds.
    fn write_fraction_digits(&self, out: &mut Vec<u8>) {
        let nanos = self.nanos % 1_000_000_000;
        let n = usize::from(self.frac_digits.min(9));
        // Whole groups of three (milli-, micro-, nanoseconds), the last one then cut to the digits logged.
        let end = out.len() + n;
        push_digits3(out, nanos / 1_000_000);
        if n > 3 {
            push_digits3(out, nanos / 1_000 % 1_000);
            if n > 6 {
                push_digits3(out, nanos % 1_000);
            }
        }
        if n % 3 != 0 {
            out.truncate(end);
        }
    }

    /// RFC 3339 in UTC as a new string.
    pub fn rfc3339(&self) -> String {
        let mut b = Vec::with_capacity(32);
        self.write_rfc3339(&mut b);
        // Digits, `-`, `:`, `T`, `.` and `Z`: ASCII.
        String::from_utf8(b).unwrap_or_default()
    }
}

/// The last second [`Timestamp::write_rfc3339`] wrote, its text and the first second of its day.
struct LastSecond {
    /// The second, `None` before the first (or after one whose year is not of four digits).
    secs: Option<i64>,
    /// The first second of the day of `secs`.
    day_start: i64,
    /// `"YYYY-MM-DDTHH:MM:SS.`, ASCII.
    bytes: [u8; 21],
}

impl LastSecond {
    /// Makes the text that of `secs`; `false` (and forgets the second) when its year is not of four digits.
    fn update(&mut self, secs: i64) -> bool {
        let b = &mut self.bytes;
        let same_day = self.secs.is_some()
            && secs
                .checked_sub(self.day_start)
                .is_some_and(|d| (0..86_400).contains(&d));
        // Within the day only the time of day changes, and no 64-bit division is needed.
        if !same_day {
            let days = secs.div_euclid(86_400);
            let (y, mo, d) = civil_from_days(days);
            if !(0..=9999).contains(&y) {
                self.secs = None;
                return false;
            }
            *b = *b"\"0000-00-00T00:00:00.";
            let y = y as u32;
            put2(b, 1, y / 100);
            put2(b, 3, y % 100);
            put2(b, 6, mo);
            put2(b, 9, d);
            self.day_start = days * 86_400;
        }
        let sod = (secs - self.day_start) as u32;
        put2(b, 12, sod / 3600);
        put2(b, 15, sod / 60 % 60);
        put2(b, 18, sod % 60);
        self.secs = Some(secs);
        true
    }
}

thread_local! {
    // Records come in log order, so nearly every one falls in the second of the one before, and nearly all
    // in the same day: the text is remembered rather than worked out again.
    static LAST_SECOND: RefCell<LastSecond> = const {
        RefCell::new(LastSecond {
            secs: None,
            day_start: 0,
            bytes: [0; 21],
        })
    };
}

/// Writes the two digits of `v` (below 100) at `b[at..at + 2]`.
#[inline]
fn put2(b: &mut [u8], at: usize, v: u32) {
    b[at] = b'0' + (v / 10) as u8;
    b[at + 1] = b'0' + (v % 10) as u8;
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in `month` of `year`.
pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y } as i64;
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + if m <= 2 { 1 } else { 0 }) as i32;
    (y, m, d)
}

/// The month number (1-12) of an English three-letter month name, any case.
pub fn month_number(name: &[u8]) -> Option<u32> {
    if name.len() != 3 {
        return None;
    }
    let key = [
        name[0].to_ascii_lowercase(),
        name[1].to_ascii_lowercase(),
        name[2].to_ascii_lowercase(),
    ];
    const MONTHS: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    MONTHS.iter().position(|m| **m == key).map(|i| i as u32 + 1)
}

/// Parses a UTC offset: `UTC`, `Z`, `GMT`, `+02:00`, `-0500`, `+2`. Returns seconds east of UTC.
pub fn parse_offset(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("utc") || s.eq_ignore_ascii_case("z") || s.eq_ignore_ascii_case("gmt")
    {
        return Some(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    if h.is_empty()
        || h.len() > 2
        || m.len() > 2
        || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 18 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

/// Supplies the year and zone that RFC 3164 time stamps leave out.
///
/// The first year-less line takes the configured year, or else the year of "now" (a line dated more than a
/// month after now belongs to the year before: a December line read in January). After that the year follows
/// the log: a jump back of more than six months (December to January) starts the next year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearClock {
    explicit_year: Option<i32>,
    now_secs: i64,
    offset_s: i64,
    last: Option<(i32, u32)>,
}

impl YearClock {
    /// `year` as configured (or `None`), `now_secs` the caller's wall clock, `offset_s` the zone of the logs.
    pub fn new(year: Option<i32>, now_secs: i64, offset_s: i64) -> YearClock {
        YearClock {
            explicit_year: year,
            now_secs,
            offset_s,
            last: None,
        }
    }

    /// The UTC instant of a year-less local time stamp.
    pub fn resolve(&mut self, month: u32, day: u32, h: u32, m: u32, s: u32) -> Option<Timestamp> {
        let year = match self.last {
            Some((y, last_month)) if month + 6 < last_month => y + 1,
            Some((y, last_month)) if month > last_month + 6 => y - 1,
            Some((y, _)) => y,
            None => match self.explicit_year {
                Some(y) => y,
                None => {
                    let local_now = Timestamp {
                        secs: self.now_secs + self.offset_s,
                        nanos: 0,
                        frac_digits: 0,
                    };
                    let (ny, nm, _) = local_now.date();
                    if month > nm + 1 {
                        ny - 1
                    } else {
                        ny
                    }
                }
            },
        };
        // A backwards jump (out-of-order line) does not move the clock; a forward roll-over does.
        if !matches!(self.last, Some((ly, _)) if year < ly) {
            self.last = Some((year, month));
        }
        // 29 February of a year that has none: the log was from a leap year we guessed wrong; keep the line's date.
        let ts = Timestamp::from_civil(year, month, day, h, m, s)?;
        Some(ts.shifted(-self.offset_s))
    }

    /// The zone offset in seconds east of UTC that local time stamps are read in.
    pub fn offset_s(&self) -> i64 {
        self.offset_s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-800_000i64, -1, 0, 1, 19_000, 20_791, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(2026, 12, 4), 20_791);
    }

    #[test]
    fn prints_fraction_as_logged() {
        let t = Timestamp::from_civil(2026, 12, 4, 19, 40, 1)
            .unwrap()
            .with_fraction(b"123456");
        assert_eq!(t.rfc3339(), "2026-12-04T19:40:01.123456Z");
        let t = Timestamp::from_civil(2013, 6, 10, 6, 27, 30).unwrap();
        assert_eq!(t.rfc3339(), "2013-06-10T06:27:30Z");
    }

    #[test]
    fn prints_the_same_second_again_with_its_own_fraction() {
        // The remembered second must not leak into a later time of another second, year or fraction.
        let t = Timestamp::from_civil(2013, 6, 10, 6, 27, 30).unwrap();
        let early = Timestamp::from_civil(-5, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(t.with_fraction(b"5").rfc3339(), "2013-06-10T06:27:30.5Z");
        assert_eq!(
            t.with_fraction(b"019").rfc3339(),
            "2013-06-10T06:27:30.019Z"
        );
        assert_eq!(early.rfc3339(), "-005-01-02T03:04:05Z");
        assert_eq!(t.rfc3339(), "2013-06-10T06:27:30Z");
        let next = Timestamp {
            secs: t.secs + 1,
            ..t
        };
        assert_eq!(next.rfc3339(), "2013-06-10T06:27:31Z");
    }

    /// RFC 3339 of `t` worked out with the formatting machinery, as the writer did before it was made fast.
    fn rfc3339_by_format(t: Timestamp) -> String {
        let (y, mo, d) = t.date();
        let sod = t.secs.rem_euclid(86_400);
        let n = usize::from(t.frac_digits.min(9));
        let nine = format!("{:09}", t.nanos % 1_000_000_000);
        let frac = if n > 0 {
            format!(".{}", &nine[..n])
        } else {
            String::new()
        };
        format!(
            "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}{frac}Z",
            sod / 3600,
            sod / 60 % 60,
            sod % 60
        )
    }

    #[test]
    fn prints_every_fraction_length_with_leading_zeros() {
        let t = Timestamp::from_civil(2013, 6, 10, 6, 27, 30).unwrap();
        for nanos in [
            0,
            1,
            9,
            10,
            1_000,
            7_000_005,
            12_345_678,
            100_000_000,
            999_999_999,
        ] {
            for frac_digits in 0..=9 {
                let t = Timestamp {
                    nanos,
                    frac_digits,
                    ..t
                };
                assert_eq!(t.rfc3339(), rfc3339_by_format(t), "{t:?}");
                let mut quoted = Vec::new();
                t.write_rfc3339_quoted(&mut quoted);
                assert_eq!(quoted, format!("\"{}\"", rfc3339_by_format(t)).into_bytes());
            }
        }
    }

    #[test]
    fn fraction_digits_past_nine_print_nine() {
        let t = Timestamp::from_civil(2013, 6, 10, 6, 27, 30).unwrap();
        let t = Timestamp {
            nanos: 123_456_789,
            frac_digits: 12,
            ..t
        };
        assert_eq!(t.rfc3339(), "2013-06-10T06:27:30.123456789Z");
    }

    #[test]
    fn prints_seconds_across_days_and_back_in_time() {
        // The remembered day must be left for the next, or for an earlier one, at the right second.
        let start = Timestamp::from_civil(2016, 2, 28, 23, 59, 58).unwrap().secs;
        let mut secs: Vec<i64> = (0..200).map(|i| start + i * 1_000).collect();
        secs.extend([
            start + 1,
            start - 86_400,
            start + 2,
            start + 86_401,
            -1,
            0,
            86_399,
            86_400,
        ]);
        for secs in secs {
            let t = Timestamp {
                secs,
                nanos: 5_000_000,
                frac_digits: 3,
            };
            assert_eq!(t.rfc3339(), rfc3339_by_format(t));
        }
    }

    #[test]
    fn prints_years_of_other_than_four_digits() {
        let before = Timestamp::from_civil(2013, 6, 10, 6, 27, 30).unwrap();
        for y in [-1, 0, 9999, 10_000, 123_456] {
            let t = Timestamp::from_civil(y, 7, 8, 9, 10, 11)
                .unwrap()
                .with_fraction(b"25");
            assert_eq!(t.rfc3339(), rfc3339_by_format(t));
            // The same second again, and the second remembered before it, are still right.
            assert_eq!(t.rfc3339(), rfc3339_by_format(t));
            assert_eq!(before.rfc3339(), "2013-06-10T06:27:30Z");
        }
        assert_eq!(
            Timestamp::from_civil(10_000, 1, 1, 0, 0, 0)
                .unwrap()
                .rfc3339(),
            "10000-01-01T00:00:00Z"
        );
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("UTC"), Some(0));
        assert_eq!(parse_offset("+02:00"), Some(7200));
        assert_eq!(parse_offset("-0530"), Some(-19_800));
        assert_eq!(parse_offset("Europe/Prague"), None);
    }

    #[test]
    fn year_rolls_over_in_the_log_and_against_now() {
        // Now is 2027-01-02: a December line is from 2026.
        let now = Timestamp::from_civil(2027, 1, 2, 0, 0, 0).unwrap().secs;
        let mut c = YearClock::new(None, now, 0);
        assert_eq!(
            c.resolve(12, 31, 23, 59, 59).unwrap().date(),
            (2026, 12, 31)
        );
        assert_eq!(c.resolve(1, 1, 0, 0, 1).unwrap().date(), (2027, 1, 1));
        // An explicit year is the year of the first line.
        let mut c = YearClock::new(Some(2013), now, 3600);
        let t = c.resolve(6, 10, 6, 27, 30).unwrap();
        assert_eq!(t.rfc3339(), "2013-06-10T05:27:30Z");
    }
}
