//! IP address → country, subdivision and city, from a MaxMind GeoIP2/GeoLite2 City database.

use footfall_event::Location;
use std::net::IpAddr;
use std::path::Path;

/// A memory-mapped City database: opening costs next to nothing, pages load as lookups touch them.
pub struct GeoDatabase {
    reader: maxminddb::Reader<maxminddb::Mmap>,
}

impl GeoDatabase {
    pub fn open(path: &Path) -> Result<Self, maxminddb::MaxMindDbError> {
        // SAFETY: the database file must not be modified while mapped; users replace it by
        // writing a new file and restarting, as MaxMind's own updater does.
        let reader = unsafe { maxminddb::Reader::open_mmap(path) }?;
        Ok(GeoDatabase { reader })
    }

    /// The location of `ip`; an address the database does not know is an empty location.
    pub fn locate(&self, ip: IpAddr) -> Result<Location, maxminddb::MaxMindDbError> {
        let Some(city) = self
            .reader
            .lookup(ip)?
            .decode::<maxminddb::geoip2::City<'_>>()?
        else {
            return Ok(Location::default());
        };
        let owned = |s: Option<&str>| s.map(String::from);
        let subdivision = city.subdivisions.last();
        Ok(Location {
            country_iso_code: owned(city.country.iso_code),
            country_name: owned(city.country.names.english),
            subdivisions_iso_code: owned(subdivision.and_then(|s| s.iso_code)),
            subdivisions_name: owned(subdivision.and_then(|s| s.names.english)),
            city_name: owned(city.city.names.english),
        })
    }
}
