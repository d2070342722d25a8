//! The signed pagination cursor and keyset paging with equal `date_added`.

use mamori_intel::cursor::{CursorError, CursorKey, FilterFingerprint, Position, page_after};
use proptest::prelude::*;

const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

fn fp(s: &str) -> FilterFingerprint {
    FilterFingerprint::from_parts([s])
}

#[test]
fn a_cursor_round_trips_for_the_same_query() {
    let key = CursorKey::new(KEY).unwrap();
    let pos = Position { date_added_micros: 1_700_000_000_123_456, row_id: 42 };
    let token = key.encode(pos, fp("q"));
    assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!(key.decode(&token, fp("q")), Ok(pos));
}

#[test]
fn tampering_other_filters_other_keys_and_garbage_are_typed_errors() {
    let key = CursorKey::new(KEY).unwrap();
    let token = key.encode(Position { date_added_micros: 5, row_id: 7 }, fp("q"));
    assert_eq!(key.decode(&token, fp("other")), Err(CursorError::FilterMismatch));
    let other_key = CursorKey::new(b"another-secret-another-secret-xx").unwrap();
    assert_eq!(other_key.decode(&token, fp("q")), Err(CursorError::BadSignature));
    let mut bytes = token.clone().into_bytes();
    bytes[3] = if bytes[3] == b'A' { b'B' } else { b'A' };
    assert_eq!(key.decode(std::str::from_utf8(&bytes).unwrap(), fp("q")), Err(CursorError::BadSignature));
    assert_eq!(key.decode("", fp("q")), Err(CursorError::Malformed));
    assert_eq!(key.decode("!!!!", fp("q")), Err(CursorError::Malformed));
    assert_eq!(key.decode(&"A".repeat(200), fp("q")), Err(CursorError::Malformed));
    assert_eq!(CursorKey::new(b"short").unwrap_err(), CursorError::WeakKey);
    let e: mamori_intel::taxii::TaxiiError = CursorError::FilterMismatch.into();
    assert_eq!(e.http_status.as_deref(), Some("400"));
}

#[test]
fn ten_thousand_objects_sharing_one_date_added_are_walked_without_loss_or_repeat() {
    let items: Vec<Position> = (0..10_000).map(|i| Position { date_added_micros: 1_000, row_id: i }).collect();
    let key = CursorKey::new(KEY).unwrap();
    let (mut seen, mut next) = (Vec::new(), None::<String>);
    loop {
        let after = next.as_deref().map(|t| key.decode(t, fp("q")).unwrap());
        let (page, more) = page_after(&items, |p| *p, after, 1_000);
        seen.extend_from_slice(page);
        if !more {
            break;
        }
        next = Some(key.encode(*page.last().unwrap(), fp("q")));
    }
    assert_eq!(seen, items);
}

proptest! {
    #[test]
    fn pages_never_skip_or_repeat_with_many_equal_dates(
        dates in prop::collection::vec(0i64..5, 1..300),
        limits in prop::collection::vec(1usize..40, 1..50),
    ) {
        // Row ids are unique and increase with insertion; date_added values collide heavily.
        let mut items: Vec<Position> = dates.iter().enumerate()
            .map(|(i, d)| Position { date_added_micros: *d, row_id: i as i64 })
            .collect();
        items.sort();
        let key = CursorKey::new(KEY).unwrap();
        let mut seen = Vec::new();
        let mut next: Option<String> = None;
        for step in 0.. {
            let limit = limits[step % limits.len()];
            let after = next.as_ref().map(|t| key.decode(t, fp("f")).unwrap());
            let (page, more) = page_after(&items, |p| *p, after, limit);
            prop_assert!(page.len() <= limit);
            seen.extend_from_slice(page);
            if !more { break; }
            next = Some(key.encode(*page.last().unwrap(), fp("f")));
        }
        prop_assert_eq!(seen, items);
    }

    #[test]
    fn random_tokens_never_decode_or_panic(s in "[A-Za-z0-9_-]{0,80}") {
        let key = CursorKey::new(KEY).unwrap();
        prop_assert!(key.decode(&s, fp("f")).is_err());
    }
}
