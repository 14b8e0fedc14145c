//! Writers: a mapped [`crate::report::Report`] and its template in, files out (in progress).
