from wushe import hookimpl
