module example.com/demo

go 1.21

require example.org/boxdraw v1.2.0
