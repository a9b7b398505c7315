"""Every element of the schema says what it is: each type, field, argument, input field and enum
value has a description (GitHub's and Shopify's convention), built-ins of Relay and strawberry
included. Clients' tooling (GraphiQL's docs, generated types) shows nothing else to their users."""

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
)

from api.schema import schema_sdl

# Types whose descriptions the GraphQL specification itself gives (graphql-core's).
SPECIFIED = {"String", "Int", "Float", "Boolean", "ID"}


def undescribed(schema: GraphQLSchema) -> list[str]:
    """Every type, field, argument, input field and enum value without a description (or with only
    white space), as `Type`, `Type.field`, `Type.field(argument)`, `Input.field`, `Enum.VALUE`."""
    missing: list[str] = []

    def check(description: str | None, where: str) -> None:
        if not (description or "").strip():
            missing.append(where)

    for name, named in sorted(schema.type_map.items()):
        if name.startswith("__") or name in SPECIFIED:
            continue
        check(named.description, name)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                check(field.description, f"{name}.{field_name}")
                for arg_name, arg in field.args.items():
                    check(arg.description, f"{name}.{field_name}({arg_name})")
        elif isinstance(named, GraphQLInputObjectType):
            for field_name, input_field in named.fields.items():
                check(input_field.description, f"{name}.{field_name}")
        elif isinstance(named, GraphQLEnumType):
            for value_name, value in named.values.items():
                check(value.description, f"{name}.{value_name}")
        elif isinstance(named, GraphQLUnionType):
            pass  # a union has no members of its own to describe
    for directive in schema.directives:
        if directive.name in ("include", "skip", "deprecated", "specifiedBy", "oneOf"):
            continue
        check(directive.description, f"@{directive.name}")
        for arg_name, arg in directive.args.items():
            check(arg.description, f"@{directive.name}({arg_name})")
    return missing


def test_every_element_of_the_schema_is_described():
    # Given the schema as served (and committed in schema.graphql)
    schema = build_schema(schema_sdl())

    # When every type, field, argument, input field and enum value is looked at
    missing = undescribed(schema)

    # Then none lacks a description
    assert missing == [], f"{len(missing)} elements have no description:\n" + "\n".join(missing)


def test_no_description_just_repeats_its_name():
    # Given the schema, When descriptions are compared with the names they describe
    schema = build_schema(schema_sdl())
    echoes = []
    for name, named in schema.type_map.items():
        if name.startswith("__") or not isinstance(named, GraphQLObjectType | GraphQLInputObjectType):
            continue
        for field_name, field in named.fields.items():
            words = (field.description or "").strip().rstrip(".").lower()
            if words and words.replace(" ", "") == field_name.lower():
                echoes.append(f"{name}.{field_name}")

    # Then none is the field's name again
    assert echoes == []


def test_the_checker_finds_what_lacks_a_description():
    # Given a schema with one described and one undescribed element of each kind
    schema = build_schema(
        '''
        """A thing."""
        type Query {
          """Described."""
          a(
            """Described."""
            x: Int
            y: Int
          ): Int
          b: Color
        }
        """A color."""
        enum Color {
          """Red."""
          RED
          BLUE
        }
        input Filter { z: Int }
        '''
    )

    # Then each undescribed element is listed, by its path
    assert undescribed(schema) == ["Color.BLUE", "Filter", "Filter.z", "Query.a(y)", "Query.b"]
