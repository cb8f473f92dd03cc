//! The XML converters: `ParseXML`, `ParseSimplifiedXML`, `GetXML`, `InsertXML`, `RemoveXML`,
//! `ConvertAttributesToElementsXML` and `ConvertTextToElementsXML`. Documents are parsed per
//! call; XPath expressions are compiled once, with the statement (`CArg::XPath`).
//!
//! Where upstream's pointer surgery shares one inserted node between several targets
//! (`InsertXML` with many matches), each target gets its own copy: the text is the same.

use std::borrow::Cow;
use std::collections::HashMap;

use opentelemetry_proto::tonic::common::v1::{AnyValue, ArrayValue, KeyValue, KeyValueList, any_value};

use crate::interp::{CArg, CCall, Error};
use crate::record::Record;
use crate::value::Value;
use crate::xml::xpath::{self, Expr, NodeRef};
use crate::xml::{self, Doc, Id, Kind, Node, ROOT};

fn xpath_arg(call: &CCall) -> Option<&Expr> {
    match call.arg(1) {
        CArg::XPath(x) => Some(x),
        _ => None,
    }
}

fn select(call: &CCall, doc: &Doc, default: &str) -> Result<Vec<NodeRef>, Error> {
    let owned;
    let expr = if let Some(x) = xpath_arg(call) {
        x
    } else {
        owned = xpath::compile(default).map_err(|e| Error(format!("invalid xpath: {e}")))?;
        &owned
    };
    xpath::select(expr, doc).map_err(|e| Error(e.to_string()))
}

fn parse(text: &str) -> Result<Doc, Error> {
    xml::parse_nodes(text).map_err(Error)
}

fn string(s: String) -> Value<'static> {
    Value::Str(Cow::Owned(s))
}

/// `GetXML(target, xpath)`: the selected nodes, serialized one after another; attributes and
/// CDATA as their (trimmed, escaped) text.
pub fn get<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let doc = parse(&call.string(0, rec)?)?;
    let mut out = String::new();
    for n in select(call, &doc, "/")? {
        let node = doc.node(n.id);
        match (n.attr, node.kind) {
            (Some(a), _) => xml::escape_into(node.attrs[a].value.trim(), &mut out),
            (None, Kind::Element) => doc.output_node_xml(n.id, &mut out),
            (None, Kind::Text) => xml::escape_into(node.data.trim(), &mut out),
            (None, Kind::CData) => xml::escape_into(doc.inner_text(n.id).trim(), &mut out),
            _ => {}
        }
    }
    Ok(string(out))
}

/// `InsertXML(target, xpath, value)`: the value's nodes appended to each selected element (or
/// the document); selecting anything else is an error.
pub fn insert<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let mut doc = parse(&call.string(0, rec)?)?;
    let sub = parse(&call.string(2, rec)?)?;
    let mut errors = Vec::new();
    for n in select(call, &doc, "/")? {
        let node = doc.node(n.id);
        match (n.attr, node.kind) {
            (None, Kind::Element | Kind::Document) => {
                for &c in &sub.node(ROOT).children {
                    let copy = doc.import(&sub, c);
                    doc.add_child(n.id, copy);
                }
            }
            (Some(a), _) => errors.push(non_element(&node.attrs[a].local)),
            (None, _) => errors.push(non_element(&node.data)),
        }
    }
    if !errors.is_empty() {
        return Err(Error(errors.join("\n")));
    }
    Ok(string(doc.output()))
}

fn non_element(data: &str) -> String {
    format!("InsertXML XPath selected non-element: {}", crate::go::quote(data))
}

/// `RemoveXML(target, xpath)`: removes the selected elements, comments and CDATA, empties text,
/// and drops attributes (by local name, unprefixed ones only, as upstream's `RemoveAttr`).
pub fn remove<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let text = call.string(0, rec)?;
    if text.is_empty() {
        return Ok(string(String::new()));
    }
    let mut doc = parse(&text)?;
    let selected = select(call, &doc, "/")?;
    let attributes = attribute_names(&doc, &selected);
    for n in selected.iter().filter(|n| n.attr.is_none()) {
        match doc.node(n.id).kind {
            Kind::Text => doc.nodes[n.id].data.clear(),
            Kind::Element | Kind::Comment | Kind::CData => doc.detach(n.id),
            _ => {}
        }
    }
    for (element, local, _) in attributes {
        remove_attr(&mut doc, element, &local);
    }
    Ok(string(doc.output()))
}

/// The selected attributes as upstream materializes them before changing anything:
/// `(element, local name, value)`.
fn attribute_names(doc: &Doc, selected: &[NodeRef]) -> Vec<(Id, String, String)> {
    selected
        .iter()
        .filter_map(|n| {
            let a = &doc.node(n.id).attrs[n.attr?];
            Some((n.id, a.local.clone(), a.value.clone()))
        })
        .collect()
}

/// `Node.RemoveAttr(local)`: the first attribute with that name and no prefix.
fn remove_attr(doc: &mut Doc, element: Id, local: &str) {
    let attrs = &mut doc.nodes[element].attrs;
    if let Some(i) = attrs.iter().position(|a| a.space.is_empty() && a.local == local) {
        attrs.remove(i);
    }
}

fn text_element(doc: &mut Doc, name: &str, text: String) -> Id {
    let element = doc.add(Node::new(Kind::Element, name.to_string(), 0));
    let text = doc.add(Node::new(Kind::Text, text, 0));
    doc.add_child(element, text);
    element
}

/// `ConvertAttributesToElementsXML(target, xpath = "//@*")`: each selected attribute becomes a
/// child element appended to its element.
pub fn attributes_to_elements<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let text = call.string(0, rec)?;
    if text.is_empty() {
        return Ok(string(String::new()));
    }
    let mut doc = parse(&text)?;
    let selected = select(call, &doc, "//@*")?;
    for (element, local, value) in attribute_names(&doc, &selected) {
        let child = text_element(&mut doc, &local, value);
        doc.add_child(element, child);
        remove_attr(&mut doc, element, &local);
    }
    Ok(string(doc.output()))
}

/// `ConvertTextToElementsXML(target, xpath = "/", elementName = "value")`: in the selected
/// elements and below, text beside other content is wrapped in `<elementName>`.
pub fn text_to_elements<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let text = call.string(0, rec)?;
    if text.is_empty() {
        return Ok(string(String::new()));
    }
    let name = match call.lit_str(2) {
        "" => "value",
        n => n,
    };
    let mut doc = parse(&text)?;
    for n in select(call, &doc, "/")? {
        if n.attr.is_none() {
            wrap_text(&mut doc, n.id, name);
        }
    }
    Ok(string(doc.output()))
}

fn wrap_text(doc: &mut Doc, parent: Id, name: &str) {
    if !matches!(doc.node(parent).kind, Kind::Element | Kind::Document) {
        return;
    }
    let children = doc.node(parent).children.clone();
    let (mut values, mut elements) = (0, 0);
    for &c in &children {
        match doc.node(c).kind {
            Kind::Element => {
                wrap_text(doc, c, name);
                elements += 1;
            }
            Kind::Text => values += 1,
            _ => {}
        }
    }
    if values == 0 || elements + values <= 1 {
        return;
    }
    for c in children {
        if doc.node(c).kind != Kind::Text {
            continue;
        }
        let text = std::mem::replace(&mut doc.nodes[c].data, name.to_string());
        doc.nodes[c].kind = Kind::Element;
        let inner = doc.add(Node::new(Kind::Text, text, 0));
        doc.add_child(c, inner);
    }
}

fn str_value(s: String) -> AnyValue {
    AnyValue { value: Some(any_value::Value::StringValue(s)) }
}

fn map_value(values: Vec<KeyValue>) -> AnyValue {
    AnyValue { value: Some(any_value::Value::KvlistValue(KeyValueList { values })) }
}

fn put(map: &mut Vec<KeyValue>, key: &str, value: AnyValue) {
    match map.iter_mut().find(|kv| kv.key == key) {
        Some(kv) => kv.value = Some(value),
        None => map.push(KeyValue { key: key.to_string(), value: Some(value), ..KeyValue::default() }),
    }
}

/// `ParseSimplifiedXML(target)`: element names to their text; repeated names to lists; elements
/// without content dropped; attributes and text beside elements ignored.
pub fn parse_simplified<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let text = call.string(0, rec)?;
    let doc = if text.is_empty() {
        return Err(Error("parse xml: xmlquery: invalid XML document".into()));
    } else {
        parse(&text)?
    };
    let mut map = Vec::new();
    simplified(&doc, ROOT, &mut map);
    Ok(Value::Map(Cow::Owned(map)))
}

fn simplified(doc: &Doc, parent: Id, map: &mut Vec<KeyValue>) {
    let children = &doc.node(parent).children;
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for &c in children {
        if doc.node(c).kind == Kind::Element {
            *counts.entry(doc.node(c).data.as_str()).or_default() += 1;
        }
    }
    for &c in children {
        let child = doc.node(c);
        if child.kind != Kind::Element || child.children.is_empty() {
            continue;
        }
        let leaf = leaf_value(doc, c);
        if counts.get(child.data.as_str()).copied().unwrap_or(0) > 1 {
            if !map.iter().any(|kv| kv.key == child.data) {
                put(
                    map,
                    &child.data,
                    AnyValue { value: Some(any_value::Value::ArrayValue(ArrayValue::default())) },
                );
            }
            let item = if leaf.is_empty() {
                let mut inner = Vec::new();
                simplified(doc, c, &mut inner);
                if inner.is_empty() {
                    continue;
                }
                map_value(inner)
            } else {
                str_value(leaf.to_string())
            };
            if let Some(KeyValue {
                value: Some(AnyValue { value: Some(any_value::Value::ArrayValue(list)) }),
                ..
            }) = map.iter_mut().find(|kv| kv.key == child.data)
            {
                list.values.push(item);
            }
            continue;
        }
        if !leaf.is_empty() {
            put(map, &child.data, str_value(leaf.to_string()));
            continue;
        }
        let mut inner = Vec::new();
        simplified(doc, c, &mut inner);
        if !inner.is_empty() {
            put(map, &child.data, map_value(inner));
        }
    }
}

/// The first text or CDATA of an element without child elements.
fn leaf_value(doc: &Doc, id: Id) -> &str {
    let children = &doc.node(id).children;
    if children.iter().any(|&c| doc.node(c).kind == Kind::Element) {
        return "";
    }
    children
        .iter()
        .map(|&c| doc.node(c))
        .find(|n| matches!(n.kind, Kind::Text | Kind::CData))
        .map_or("", |n| n.data.as_str())
}

/// `ParseXML(target)`: the first element as `{tag, attributes, content, children}` (keys in
/// sorted order, as Go prints maps): `content` is the element's trimmed text pieces joined,
/// `attributes` and `children` appear only when there are some. Comments, processing
/// instructions and directives are ignored; anything but those and whitespace after the
/// element is an error.
pub fn parse_xml<'a>(call: &'a CCall, rec: &'a Record<'_>) -> Result<Value<'a>, Error> {
    let text = call.string(0, rec)?;
    let root = xml::parse_elements(&text).map_err(Error)?;
    match root.value {
        Some(any_value::Value::KvlistValue(m)) => Ok(Value::Map(Cow::Owned(m.values))),
        _ => Err(Error("unmarshal xml: EOF".into())),
    }
}
