//! The project on disk: the model's files written (as editors save them, or
//! in place), and the edits' file operations.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use crate::edits::Op;
use crate::rng::Rng;

pub struct Project {
    pub root: PathBuf,
    pub scratch: PathBuf,
    /// What the project's files hold now.
    pub disk: BTreeMap<String, String>,
    pub writes: usize,
}

impl Project {
    pub fn write(&mut self, rel: &str, text: &str, atomic: bool) {
        let path = self.root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        if atomic {
            // As editors save: a whole file, renamed into place.
            self.writes += 1;
            let tmp = self.scratch.join(format!("w{}", self.writes));
            fs::write(&tmp, text).unwrap();
            fs::rename(&tmp, &path).unwrap();
        } else {
            fs::write(&path, text).unwrap();
        }
        self.disk.insert(rel.to_string(), text.to_string());
    }

    pub fn apply(&mut self, op: &Op) {
        match op {
            Op::Rename(from, to) => {
                let dest = self.root.join(to);
                fs::create_dir_all(dest.parent().unwrap()).unwrap();
                fs::rename(self.root.join(from), &dest).unwrap();
                let moved: Vec<String> = self
                    .disk
                    .keys()
                    .filter(|k| *k == from || k.starts_with(&format!("{from}/")))
                    .cloned()
                    .collect();
                for k in moved {
                    let text = self.disk.remove(&k).unwrap();
                    self.disk.insert(format!("{to}{}", &k[from.len()..]), text);
                }
            }
            Op::Write(rel, text) => self.write(rel, text, true),
            Op::Remove(rel) => {
                fs::remove_file(self.root.join(rel)).unwrap();
                self.disk.remove(rel);
            }
            Op::Swap(a, b) => {
                let out = self.scratch.join("swap");
                fs::rename(self.root.join(a), &out).unwrap();
                fs::rename(self.root.join(b), self.root.join(a)).unwrap();
                fs::rename(&out, self.root.join(b)).unwrap();
                let (ta, tb) = (self.disk.remove(a).unwrap(), self.disk.remove(b).unwrap());
                self.disk.insert(a.clone(), tb);
                self.disk.insert(b.clone(), ta);
            }
        }
    }

    /// Makes the files on disk those of the model.
    pub fn sync(&mut self, files: &BTreeMap<String, String>, rng: &mut Rng) {
        for (rel, text) in files {
            if self.disk.get(rel) != Some(text) {
                let atomic = !rng.chance(30);
                self.write(rel, text, atomic);
            }
        }
        let gone: Vec<String> = self
            .disk
            .keys()
            .filter(|k| !files.contains_key(*k))
            .cloned()
            .collect();
        for rel in gone {
            fs::remove_file(self.root.join(&rel)).unwrap();
            self.disk.remove(&rel);
        }
    }
}
