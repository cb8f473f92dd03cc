fn main() {
    let args: Vec<String> = std::env::args().collect();
    let kind = &args[1];
    for text in &args[2..] {
        println!("=== {text}");
        match kind.as_str() {
            "s" => {
                let p = ottl_syntax::parse_statement(text);
                if let Some(t) = &p.tree {
                    print!("{}", ottl_syntax::dump::statement(t));
                }
                for d in &p.diagnostics {
                    println!("{} {} {:?} {:?}", d.code, d.message, d.labels, d.help);
                }
            }
            "c" => {
                let p = ottl_syntax::parse_condition(text);
                if let Some(t) = &p.tree {
                    print!("{}", ottl_syntax::dump::condition(t));
                }
                for d in &p.diagnostics {
                    println!("{} {} {:?} {:?}", d.code, d.message, d.labels, d.help);
                }
            }
            _ => {
                let p = ottl_syntax::parse_value(text);
                if let Some(t) = &p.tree {
                    print!("{}", ottl_syntax::dump::value(t));
                }
                for d in &p.diagnostics {
                    println!("{} {} {:?} {:?}", d.code, d.message, d.labels, d.help);
                }
            }
        }
    }
}
