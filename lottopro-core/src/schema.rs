//! OpenAPI schemas (`utoipa::ToSchema`) of the types whose JSON form is
//! written by hand rather than derived; every other result and request type
//! derives its schema next to its definition. Only with the `schema` feature.

use std::borrow::Cow;

use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::date::Date;
use crate::pension::{Digits, Group, GroupChoice};
use crate::stats::PairMatrix;
use crate::ticket::Ticket;

fn numbers(description: &str) -> ArrayBuilder {
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .maximum(Some(255)),
        )
        .description(Some(description))
}

impl PartialSchema for Date {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .description(Some("a calendar date, YYYY-MM-DD"))
            .into()
    }
}

impl ToSchema for Date {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Date")
    }
}

impl PartialSchema for Ticket {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .property("numbers", numbers("the main numbers, ascending"))
            .required("numbers")
            .property(
                "extra",
                numbers("the second-pool numbers (two-pool games only)"),
            )
            .description(Some("one game on a ticket"))
            .into()
    }
}

impl ToSchema for Ticket {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Ticket")
    }
}

impl PartialSchema for PairMatrix {
    fn schema() -> RefOr<Schema> {
        ArrayBuilder::new()
            .items(
                ArrayBuilder::new().items(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(0)),
                ),
            )
            .description(Some(
                "row a, column b: draws containing both a and b (row and column 0 are zeros)",
            ))
            .into()
    }
}

impl ToSchema for PairMatrix {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("PairMatrix")
    }
}

impl PartialSchema for Digits {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[0-9]{6}$"))
            .description(Some(
                "six digits of Pension Lottery 720+, leading zeros kept",
            ))
            .into()
    }
}

impl ToSchema for Digits {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("PensionDigits")
    }
}

impl PartialSchema for Group {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1))
            .maximum(Some(5))
            .description(Some("a Pension Lottery 720+ group (조)"))
            .into()
    }
}

impl ToSchema for Group {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("PensionGroup")
    }
}

impl PartialSchema for GroupChoice {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                Type::Integer,
                Type::String,
            ]))
            .description(Some(
                "a group 1 to 5, or \"all\" for the same digits in every group",
            ))
            .into()
    }
}

impl ToSchema for GroupChoice {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("PensionGroupChoice")
    }
}
