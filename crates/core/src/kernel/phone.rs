//! Phone numbers, normalised to E.164 beside what the user typed (which is kept as typed).

/// A phone number in its standard forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// `+442079460958`
    pub e164: String,
    /// The national significant number, digits only: `2079460958`.
    pub national: String,
}

/// Parses `text` as a phone number. Numbers written with a `+` and a country code parse on
/// their own; others need `default_country` (ISO 3166 alpha-2, such as `GB`). `None` when the
/// number cannot be understood: it is still stored as typed.
pub fn normalize(text: &str, default_country: Option<&str>) -> Option<Normalized> {
    if let Some(known) = PRIMED.with_borrow(|primed| {
        primed
            .as_ref()
            .filter(|p| p.country.as_deref() == default_country)
            .and_then(|p| p.numbers.get(text).cloned())
    }) {
        return known;
    }
    parse(text, default_country)
}

fn parse(text: &str, default_country: Option<&str>) -> Option<Normalized> {
    enlarge_regex_cache();
    let country = default_country.and_then(|c| c.trim().to_ascii_uppercase().parse().ok());
    let number = phonenumber::parse(country, text).ok()?;
    if !phonenumber::is_valid(&number) {
        return None;
    }
    Some(Normalized {
        e164: number.format().mode(phonenumber::Mode::E164).to_string(),
        national: number.national().value().to_string(),
    })
}

/// Numbers parsed ahead of time for [`normalize`] on this thread, by [`primed`].
struct Primed {
    country: Option<String>,
    numbers: std::collections::HashMap<String, Option<Normalized>>,
}

thread_local! {
    static PRIMED: std::cell::RefCell<Option<Primed>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` while the numbers of `parts` are parsed on another thread, part after part: inside
/// `f`, [`Parsed::wait_for`]`(i)` waits until parts `0..=i` are parsed, and from then on
/// [`normalize`] on this thread answers their numbers from memory. An import writes one part
/// of its rows while the next part's numbers are parsed (each number once, though duplicate
/// checks, validation and storage each ask for it), so parsing costs it no time on two cores.
pub fn primed<T>(
    parts: Vec<Vec<&str>>,
    default_country: Option<&str>,
    f: impl FnOnce(&mut Parsed) -> T,
) -> T {
    let before = PRIMED.replace(Some(Primed {
        country: default_country.map(str::to_owned),
        numbers: std::collections::HashMap::new(),
    }));
    // Put back what was there even if `f` panics.
    struct Restore(Option<Option<Primed>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some(before) = self.0.take() {
                PRIMED.set(before);
            }
        }
    }
    let _restore = Restore(Some(before));
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        let (send, receive) = std::sync::mpsc::channel();
        let stop = &stop;
        s.spawn(move || {
            let mut seen = std::collections::HashSet::new();
            for part in parts {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    return;
                }
                let parsed: Vec<_> = part
                    .into_iter()
                    .filter(|n| seen.insert(*n))
                    .map(|n| (n.to_owned(), parse(n, default_country)))
                    .collect();
                if send.send(parsed).is_err() {
                    return;
                }
            }
        });
        // Tell the parser to stop once `f` is done, even if it panics.
        struct Stop<'s>(&'s std::sync::atomic::AtomicBool);
        impl Drop for Stop<'_> {
            fn drop(&mut self) {
                self.0.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        }
        let _stop = Stop(stop);
        f(&mut Parsed { receive, ready: 0 })
    })
}

/// The parts [`primed`] has parsed so far.
#[derive(Debug)]
pub struct Parsed {
    receive: std::sync::mpsc::Receiver<Vec<(String, Option<Normalized>)>>,
    ready: usize,
}

impl Parsed {
    /// Waits until the numbers of parts `0..=part` are parsed. If the parser stopped (it
    /// panicked), it returns at once: [`normalize`] then parses the numbers itself.
    pub fn wait_for(&mut self, part: usize) {
        while self.ready <= part {
            let Ok(parsed) = self.receive.recv() else {
                return;
            };
            PRIMED.with_borrow_mut(|primed| {
                if let Some(p) = primed.as_mut() {
                    p.numbers.extend(parsed);
                }
            });
            self.ready += 1;
        }
    }
}

/// phonenumber keeps its compiled patterns in an LRU cache of 100, fewer than the patterns of
/// a handful of countries: numbers from mixed countries then recompile regexes on every call
/// (seven times slower in the import benchmark). Give it room for all of them, once.
fn enlarge_regex_cache() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(mut cache) = phonenumber::metadata::DATABASE.cache().lock() {
            *cache = regex_cache::RegexCache::new(8192);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primed_numbers_answer_as_parsing_would() {
        let numbers = [
            "020 7946 0958",
            "+33 1 42 68 53 00",
            "not a number",
            "020 7946 0958",
        ];
        let expected: Vec<_> = numbers.iter().map(|n| normalize(n, Some("GB"))).collect();
        let got: Vec<_> = primed(
            vec![numbers[..2].to_vec(), numbers[2..].to_vec()],
            Some("GB"),
            |parsed| {
                parsed.wait_for(1);
                // Answered from memory: the parser has them all.
                assert!(PRIMED.with_borrow(|p| p.as_ref().unwrap().numbers.len() == 3));
                numbers.iter().map(|n| normalize(n, Some("GB"))).collect()
            },
        );
        assert_eq!(got, expected);
        assert_eq!(
            got[0].as_ref().map(|n| n.e164.as_str()),
            Some("+442079460958")
        );
        assert_eq!(got[2], None);
        // Another country is parsed afresh, and nothing stays primed afterwards.
        let us = primed(vec![numbers.to_vec()], Some("GB"), |parsed| {
            parsed.wait_for(0);
            normalize("020 7946 0958", Some("US"))
        });
        assert_eq!(us, normalize("020 7946 0958", Some("US")));
        assert!(PRIMED.with_borrow(Option::is_none));
    }

    #[test]
    fn international_numbers_parse_without_a_default_country() {
        let n = normalize("+44 (20) 7946-0958", None).unwrap();
        assert_eq!(n.e164, "+442079460958");
        assert_eq!(n.national, "2079460958");
        assert_eq!(
            normalize("+1 206 555 0142", Some("DE")).unwrap().e164,
            "+12065550142"
        );
    }

    #[test]
    fn national_numbers_need_the_default_country() {
        assert_eq!(normalize("020 7946 0958", None), None);
        assert_eq!(
            normalize("020 7946 0958", Some("gb")).unwrap().e164,
            "+442079460958"
        );
        assert_eq!(
            normalize("030 901820", Some("DE")).unwrap().e164,
            "+4930901820"
        );
    }

    #[test]
    fn nonsense_is_not_a_number() {
        assert_eq!(normalize("call me", Some("GB")), None);
        assert_eq!(normalize("123", Some("GB")), None);
    }
}
