//! The baseline of `scripts/bench`: hyper on the same runtime settings as
//! `pcentral serve`, answering every request with the same bytes pcentral
//! answers the benchmarked call with (status 200, its headers, its body),
//! doing nothing else. `bare ADDRESS BODY_FILE`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let address = args.get(1).expect("usage: bare ADDRESS BODY_FILE").clone();
    let body = Bytes::from(std::fs::read(args.get(2).expect("usage: bare ADDRESS BODY_FILE")).unwrap());
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&address).await.unwrap();
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let _ = stream.set_nodelay(true);
            let body = body.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: Request<hyper::body::Incoming>| {
                    let body = body.clone();
                    async move {
                        // Read the request body, as pcentral does.
                        let _ = req.into_body().collect().await;
                        let mut resp = Response::new(Full::new(body));
                        let h = resp.headers_mut();
                        h.insert("content-type", "application/x-amz-json-1.0".parse().unwrap());
                        h.insert("x-amzn-RequestId", "00000000-0000-4000-8000-000000000000".parse().unwrap());
                        h.insert("date", httpdate::fmt_http_date(std::time::SystemTime::now()).parse().unwrap());
                        Ok::<_, Infallible>(resp)
                    }
                });
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
}
